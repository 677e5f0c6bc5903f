import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SecurityAuditRecorder } from '@tenantry/audit-writer';
import { issueAccessToken, type PlatformRole, type SigningKey, type TenantRole } from '@tenantry/auth';
import type { RequestDatabase } from '@tenantry/tenancy';
import { MemberRole } from '../membership/membership.type';
import { refreshTokens } from '../secret/opaque-token';
import { SessionEntity } from './session.entity';
import { SessionDomainError, SessionErrorCode } from './session.errors';
import { AuthPayload } from './session.type';

export interface TokenSettings {
  signingKey: SigningKey;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** What a new or rotated session hands out, before the access token is signed. */
interface Grant {
  sessionId: string;
  refreshToken: string;
  userId: string;
  tenantId: string | null;
  role: TenantRole | null;
  platformRole: PlatformRole | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Revocation = 'signed_out' | 'revoked' | 'reuse_detected' | 'membership_ended';

export async function membershipRole(manager: EntityManager, tenantId: string, userId: string): Promise<TenantRole | null> {
  const rows: { role: TenantRole }[] = await manager.query(
    `SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2 AND status = 'active'`,
    [tenantId, userId],
  );
  return rows[0]?.role ?? null;
}

/**
 * Sessions and their refresh-token families. A refresh token is single-use: using it rotates
 * it; presenting a rotated one again means it was copied, so the whole session is revoked.
 */
export class SessionService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly settings: TokenSettings,
    private readonly securityAudit?: SecurityAuditRecorder,
  ) {}

  /** Opens a session inside the caller's platform transaction (sign-in). */
  async start(
    manager: EntityManager,
    user: { id: string; platformRole: PlatformRole | null },
    tenant: { id: string; role: TenantRole } | null,
  ): Promise<AuthPayload> {
    const sessionId = randomUUID();
    const { token, hash } = refreshTokens.create();
    await manager.query(
      `INSERT INTO platform.sessions (id, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [sessionId, user.id, tenant?.id ?? null, this.settings.refreshTokenTtlSeconds],
    );
    await manager.query(`INSERT INTO platform.refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [hash, sessionId]);
    return this.sign({
      sessionId,
      refreshToken: token,
      userId: user.id,
      tenantId: tenant?.id ?? null,
      role: tenant?.role ?? null,
      platformRole: user.platformRole,
    });
  }

  /**
   * Rotates a refresh token and signs a fresh access token, for the session's tenant or, when
   * `switchTo` is given, for that tenant (which then becomes the session's). The membership is
   * read again on every rotation, so a removed member's session ends at its next refresh.
   */
  async rotate(
    refreshToken: string,
    options: {
      switchTo?: string;
      userId?: string;
      meta?: { requestId: string; clientIp?: string | undefined; userAgent?: string | undefined };
    } = {},
  ): Promise<AuthPayload> {
    const hash = refreshTokens.hash(refreshToken);
    if (!hash) throw new SessionDomainError(SessionErrorCode.INVALID_REFRESH_TOKEN);
    if (options.switchTo !== undefined && !UUID.test(options.switchTo)) throw new SessionDomainError(SessionErrorCode.NOT_A_MEMBER);
    let reused: { sessionId: string; userId: string; tenantId: string | null } | undefined;
    // Refusals that revoke must commit, so they are returned out of the transaction, not thrown.
    const outcome = await this.db.platform(async (m): Promise<Grant | SessionErrorCode> => {
      const rows: {
        sessionId: string;
        userId: string;
        tenantId: string | null;
        live: boolean;
        rotatedAt: Date | null;
        platformRole: PlatformRole | null;
      }[] = await m.query(
        `SELECT s.id AS "sessionId", s.user_id AS "userId", s.tenant_id AS "tenantId",
                (s.revoked_at IS NULL AND s.expires_at > now()) AS live,
                rt.rotated_at AS "rotatedAt", u.platform_role AS "platformRole"
           FROM platform.refresh_tokens rt
           JOIN platform.sessions s ON s.id = rt.session_id
           JOIN platform.users u ON u.id = s.user_id
          WHERE rt.token_hash = $1
          FOR UPDATE OF rt, s`,
        [hash],
      );
      const row = rows[0];
      if (!row || !row.live) return SessionErrorCode.INVALID_REFRESH_TOKEN;
      if (row.rotatedAt) {
        await this.revoke(m, row.sessionId, 'reuse_detected');
        reused = { sessionId: row.sessionId, userId: row.userId, tenantId: row.tenantId };
        return SessionErrorCode.REFRESH_TOKEN_REUSED;
      }
      if (options.userId && options.userId !== row.userId) return SessionErrorCode.INVALID_REFRESH_TOKEN;
      const tenantId = options.switchTo ?? row.tenantId;
      const role = tenantId ? await membershipRole(m, tenantId, row.userId) : null;
      if (tenantId && !role) {
        if (options.switchTo) return SessionErrorCode.NOT_A_MEMBER;
        await this.revoke(m, row.sessionId, 'membership_ended');
        return SessionErrorCode.MEMBERSHIP_ENDED;
      }
      const next = refreshTokens.create();
      await m.query(`UPDATE platform.refresh_tokens SET rotated_at = now() WHERE token_hash = $1`, [hash]);
      await m.query(`INSERT INTO platform.refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [next.hash, row.sessionId]);
      await m.query(`UPDATE platform.sessions SET tenant_id = $2, last_used_at = now() WHERE id = $1`, [row.sessionId, tenantId]);
      return {
        sessionId: row.sessionId,
        refreshToken: next.token,
        userId: row.userId,
        tenantId,
        role,
        platformRole: row.platformRole,
      };
    });
    if (reused) await this.auditReuse(reused, options.meta);
    if (typeof outcome === 'string') throw new SessionDomainError(outcome);
    return this.sign(outcome);
  }

  /** Ends the session a refresh token belongs to. Answers the same for any token, valid or not. */
  async signOut(refreshToken: string): Promise<void> {
    const hash = refreshTokens.hash(refreshToken);
    if (!hash) return;
    await this.db.platform((m) =>
      m.query(
        `UPDATE platform.sessions SET revoked_at = now(), revoked_reason = 'signed_out'
          WHERE id = (SELECT session_id FROM platform.refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`,
        [hash],
      ),
    );
  }

  /** The person's own live sessions, newest first. */
  listOwn(userId: string): Promise<SessionEntity[]> {
    return this.db.platform((m) =>
      m
        .createQueryBuilder(SessionEntity, 's')
        .where('s.user_id = :userId AND s.revoked_at IS NULL AND s.expires_at > now()', { userId })
        .orderBy('s.created_at', 'DESC')
        .getMany(),
    );
  }

  /** Revokes one of the person's own sessions; someone else's is NOT_FOUND, like a missing one. */
  async revokeOwn(userId: string, sessionId: string): Promise<void> {
    if (!UUID.test(sessionId)) throw new SessionDomainError(SessionErrorCode.SESSION_NOT_FOUND);
    const revoked = await this.db.platform(async (m) => {
      // A bare UPDATE … RETURNING comes back from TypeORM as [rows, count]; a CTE reads as rows.
      const rows: unknown[] = await m.query(
        `WITH revoked AS (
           UPDATE platform.sessions SET revoked_at = now(), revoked_reason = 'revoked'
            WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING id)
         SELECT id FROM revoked`,
        [sessionId, userId],
      );
      return rows.length > 0;
    });
    if (!revoked) throw new SessionDomainError(SessionErrorCode.SESSION_NOT_FOUND);
  }

  /** A copied refresh token came back: on the session's tenant trail (or the platform's), never the token. */
  private async auditReuse(
    session: { sessionId: string; userId: string; tenantId: string | null },
    meta: { requestId: string; clientIp?: string | undefined; userAgent?: string | undefined } | undefined,
  ): Promise<void> {
    await this.securityAudit?.record({
      action: 'auth.refresh_token_reused',
      actor: { kind: 'anonymous' },
      tenantId: session.tenantId ?? undefined,
      resourceType: 'session',
      resourceId: session.sessionId,
      requestId: meta?.requestId,
      clientIp: meta?.clientIp,
      details: { userId: session.userId, revoked: true, ip: meta?.clientIp ?? null, userAgent: meta?.userAgent ?? null },
    });
  }

  private async revoke(manager: EntityManager, sessionId: string, reason: Revocation): Promise<void> {
    await manager.query(`UPDATE platform.sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [
      sessionId,
      reason,
    ]);
  }

  private async sign(grant: Grant): Promise<AuthPayload> {
    const ttl = this.settings.accessTokenTtlSeconds;
    // The plan rides in the token for the gateway's rate limit; a plan change shows at the next refresh.
    const plan =
      grant.tenantId &&
      (
        (await this.db.platform((m) => m.query(`SELECT plan FROM platform.tenants WHERE id = $1`, [grant.tenantId]))) as { plan: string }[]
      )[0]?.plan;
    const accessToken = await issueAccessToken(
      this.settings.signingKey,
      {
        userId: grant.userId,
        ...(grant.tenantId && grant.role ? { tenantId: grant.tenantId, role: grant.role, ...(plan ? { plan } : {}) } : {}),
        ...(grant.platformRole ? { platformRole: grant.platformRole } : {}),
      },
      ttl,
    );
    return Object.assign(new AuthPayload(), {
      accessToken,
      accessTokenExpiresAt: new Date(Date.now() + ttl * 1000),
      refreshToken: grant.refreshToken,
      sessionId: grant.sessionId,
      tenantId: grant.tenantId,
      role: (grant.role as MemberRole | null) ?? null,
    });
  }
}
