import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { roleAtLeast, type PlatformRole, type Principal, type TenantRole } from '@tenantry/auth';
import type { PlanCatalog } from '@tenantry/plans';
import { withTenantAsPlatform, type RequestDatabase } from '@tenantry/tenancy';
import { AccountDomainError, AccountErrorCode } from '../account/account.errors';
import { assertAcceptablePassword, validDisplayName, validEmail, type PasswordPolicy } from '../account/account.service';
import type { Mailer } from '../mail/mailer';
import { addMembership } from '../membership/membership.service';
import type { PasswordHasher } from '../password/password.hasher';
import { invitationTokens } from '../secret/opaque-token';
import type { SessionService } from '../session/session.service';
import type { AuthPayload } from '../session/session.type';
import { InvitationDomainError, InvitationErrorCode } from './invitation.errors';

export interface InvitationSettings {
  ttlSeconds: number;
  catalog: PlanCatalog;
}

export interface Actor {
  principal: Principal;
  requestId: string;
}

export interface InvitationRow {
  id: string;
  email: string;
  role: TenantRole;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: Date;
  createdAt: Date;
}

/** Who may invite at all; what they may invite is capped by their own role. */
const INVITE_MEMBERS: TenantRole = 'manager';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COLUMNS = `id, email, role, status, expires_at AS "expiresAt", created_at AS "createdAt"`;

export class InvitationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly db: RequestDatabase,
    private readonly mailer: Mailer,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: SessionService,
    private readonly settings: InvitationSettings,
  ) {}

  /** Pending invitations of the request's tenant, newest first. */
  listPending(): Promise<InvitationRow[]> {
    return this.db.tenant((m) =>
      m.query(`SELECT ${COLUMNS} FROM invitations WHERE status = 'pending' ORDER BY created_at DESC, id LIMIT 100`),
    );
  }

  /**
   * Invites an email with a role no higher than the inviter's (as the database has it). The
   * seat quota counts members and live pending invitations, under a lock on the tenant row so
   * two invitations at once cannot both take the last seat.
   */
  async invite(input: { email: string; role: TenantRole }, actor: Actor): Promise<InvitationRow> {
    const email = validEmail(input.email);
    return this.db.tenant(async (m) => {
      await this.assertMayManage(m, actor, input.role);
      const seats = await this.lockSeats(m);
      const members: unknown[] = await m.query(
        `SELECT 1 FROM platform.memberships ms JOIN platform.users u ON u.id = ms.user_id WHERE ms.tenant_id = $1 AND u.email = $2`,
        [this.tenantId, email],
      );
      if (members.length > 0) throw new InvitationDomainError(InvitationErrorCode.ALREADY_MEMBER, 'This person is already a member');
      await this.expireStale(m);
      const pending: unknown[] = await m.query(`SELECT 1 FROM invitations WHERE email = $1 AND status = 'pending'`, [email]);
      if (pending.length > 0) {
        throw new InvitationDomainError(InvitationErrorCode.ALREADY_INVITED, 'This email already has a pending invitation; resend it');
      }
      this.assertSeatFree(seats.limit, seats.members + seats.pending);
      const id = randomUUID();
      const [row]: InvitationRow[] = await m.query(
        `INSERT INTO invitations (id, email, role, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING ${COLUMNS}`,
        [id, email, input.role, actorUserId(actor), this.settings.ttlSeconds],
      );
      await this.sendLink(m, row!, seats.tenantName);
      await appendAuditEvent(m, {
        action: 'invitation.created',
        actor: actor.principal,
        resourceType: 'invitation',
        resourceId: id,
        changes: { email: { to: email }, role: { to: input.role } },
        requestId: actor.requestId,
      });
      return row!;
    });
  }

  /** A new link (the old one stops working) and a new expiry. */
  async resend(id: string, actor: Actor): Promise<InvitationRow> {
    return this.db.tenant(async (m) => {
      const invitation = await this.lockPending(m, id);
      await this.assertMayManage(m, actor, invitation.role);
      await m.query(`DELETE FROM platform.invitation_tokens WHERE tenant_id = $1 AND invitation_id = $2`, [this.tenantId, id]);
      const [row]: InvitationRow[] = await m
        .query(
          `UPDATE invitations SET expires_at = now() + make_interval(secs => $2), updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, this.settings.ttlSeconds],
        )
        .then((result: [InvitationRow[], number]) => result[0]);
      const [tenant]: { name: string }[] = await m.query(`SELECT name FROM platform.tenants WHERE id = $1`, [this.tenantId]);
      await this.sendLink(m, row!, tenant!.name);
      await appendAuditEvent(m, {
        action: 'invitation.resent',
        actor: actor.principal,
        resourceType: 'invitation',
        resourceId: id,
        requestId: actor.requestId,
      });
      return row!;
    });
  }

  async revoke(id: string, actor: Actor): Promise<void> {
    await this.db.tenant(async (m) => {
      const invitation = await this.lockPending(m, id);
      await this.assertMayManage(m, actor, invitation.role);
      await m.query(`UPDATE invitations SET status = 'revoked', updated_at = now() WHERE id = $1`, [id]);
      await m.query(`DELETE FROM platform.invitation_tokens WHERE tenant_id = $1 AND invitation_id = $2`, [this.tenantId, id]);
      await appendAuditEvent(m, {
        action: 'invitation.revoked',
        actor: actor.principal,
        resourceType: 'invitation',
        resourceId: id,
        changes: { status: { from: 'pending', to: 'revoked' } },
        requestId: actor.requestId,
      });
    });
  }

  /**
   * Accepts by token: the tenant is known only from the token, and an account may have to be
   * created, so this runs as the platform in the token's tenant (withTenantAsPlatform). The
   * membership, the spent token, the audit event and the new session commit together.
   */
  async accept(input: { token: string; password?: string | undefined; displayName?: string | undefined }, principal: Principal) {
    const hash = invitationTokens.hash(input.token);
    if (!hash) throw invalid();
    const found: { tenantId: string }[] = await this.db.platform((m) =>
      m.query(`SELECT tenant_id AS "tenantId" FROM platform.invitation_tokens WHERE token_hash = $1`, [hash]),
    );
    const tenantId = found[0]?.tenantId;
    if (!tenantId) throw invalid();

    // Who is invited, and do they have an account? Password work happens outside the locks.
    const [invitee]: { email: string; userId: string | null; passwordHash: string | null }[] = await withTenantAsPlatform(
      this.dataSource,
      tenantId,
      (m) =>
        m.query(
          `SELECT i.email, u.id AS "userId", c.password_hash AS "passwordHash"
             FROM platform.invitation_tokens t
             JOIN invitations i ON i.id = t.invitation_id
             LEFT JOIN platform.users u ON u.email = i.email
             LEFT JOIN platform.user_credentials c ON c.user_id = u.id
            WHERE t.token_hash = $1 AND t.tenant_id = $2`,
          [hash, tenantId],
        ),
    );
    if (!invitee) throw invalid();
    const newAccount = invitee.userId ? undefined : await this.newAccountDetails(input, invitee.email);
    if (invitee.userId && !(principal.kind === 'user' && principal.userId === invitee.userId)) {
      const valid = input.password && invitee.passwordHash ? await this.hasher.verify(invitee.passwordHash, input.password) : false;
      if (!valid) throw new AccountDomainError(AccountErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
    }

    const outcome = await withTenantAsPlatform(this.dataSource, tenantId, async (m): Promise<AuthPayload | InvitationErrorCode> => {
      const tokens: { invitationId: string }[] = await m.query(
        `SELECT invitation_id AS "invitationId" FROM platform.invitation_tokens WHERE token_hash = $1 AND tenant_id = $2 FOR UPDATE`,
        [hash, tenantId],
      );
      const invitationId = tokens[0]?.invitationId;
      if (!invitationId) return InvitationErrorCode.INVALID_INVITATION;
      const [invitation]: { id: string; email: string; role: TenantRole; status: string; live: boolean }[] = await m.query(
        `SELECT id, email, role, status, expires_at > now() AS live FROM invitations WHERE id = $1 FOR UPDATE`,
        [invitationId],
      );
      if (!invitation || invitation.status !== 'pending') return InvitationErrorCode.INVALID_INVITATION;
      if (!invitation.live) {
        await m.query(`UPDATE invitations SET status = 'expired', updated_at = now() WHERE id = $1`, [invitation.id]);
        await m.query(`DELETE FROM platform.invitation_tokens WHERE tenant_id = $1 AND invitation_id = $2`, [tenantId, invitation.id]);
        return InvitationErrorCode.INVITATION_EXPIRED;
      }
      const seats = await this.lockSeats(m, tenantId);
      this.assertSeatFree(seats.limit, seats.members);

      const user = await this.findOrCreateUser(m, invitation.email, newAccount);
      const already: unknown[] = await m.query(`SELECT 1 FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2`, [
        tenantId,
        user.id,
      ]);
      if (already.length > 0) throw new InvitationDomainError(InvitationErrorCode.ALREADY_MEMBER, 'You are already a member');
      await addMembership(m, tenantId, user.id, invitation.role);
      await m.query(`UPDATE invitations SET status = 'accepted', accepted_by = $2, updated_at = now() WHERE id = $1`, [
        invitation.id,
        user.id,
      ]);
      await m.query(`DELETE FROM platform.invitation_tokens WHERE tenant_id = $1 AND invitation_id = $2`, [tenantId, invitation.id]);
      await appendAuditEvent(m, {
        action: 'invitation.accepted',
        actor: { kind: 'user', userId: user.id, role: invitation.role },
        resourceType: 'invitation',
        resourceId: invitation.id,
        changes: { status: { from: 'pending', to: 'accepted' }, role: { to: invitation.role } },
      });
      return this.sessions.start(m, user, { id: tenantId, role: invitation.role });
    });
    if (typeof outcome === 'string') {
      throw new InvitationDomainError(outcome, outcome === InvitationErrorCode.INVITATION_EXPIRED ? 'This invitation has expired' : '');
    }
    return outcome;
  }

  private get tenantId(): string {
    return this.db.tenantId!;
  }

  private async newAccountDetails(input: { password?: string | undefined; displayName?: string | undefined }, email: string) {
    if (!input.password || !input.displayName) {
      throw new InvitationDomainError(
        InvitationErrorCode.ACCOUNT_DETAILS_REQUIRED,
        'Choose a password and a display name to create your account',
      );
    }
    const displayName = validDisplayName(input.displayName);
    assertAcceptablePassword(this.policy, input.password, email);
    return { displayName, passwordHash: await this.hasher.hash(input.password) };
  }

  private async findOrCreateUser(
    m: EntityManager,
    email: string,
    account: { displayName: string; passwordHash: string } | undefined,
  ): Promise<{ id: string; platformRole: PlatformRole | null }> {
    const existing: { id: string; platformRole: PlatformRole | null }[] = await m.query(
      `SELECT id, platform_role AS "platformRole" FROM platform.users WHERE email = $1`,
      [email],
    );
    if (existing[0]) return existing[0];
    // The account appeared between the two transactions: its owner must prove it is theirs.
    if (!account) throw new AccountDomainError(AccountErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
    const id = randomUUID();
    await m.query(`INSERT INTO platform.users (id, email, display_name) VALUES ($1, $2, $3)`, [id, email, account.displayName]);
    await m.query(`INSERT INTO platform.user_credentials (user_id, password_hash) VALUES ($1, $2)`, [id, account.passwordHash]);
    return { id, platformRole: null };
  }

  /** The tenant row is the seat counter's lock: invite and accept serialise on it. */
  private async lockSeats(m: EntityManager, tenantId = this.tenantId) {
    const [tenant]: { plan: string; name: string }[] = await m.query(`SELECT plan, name FROM platform.tenants WHERE id = $1 FOR UPDATE`, [
      tenantId,
    ]);
    const plan = this.settings.catalog.plans.find((p) => p.code === tenant!.plan);
    if (!plan) throw new Error(`tenant plan ${tenant!.plan} is not in the plan catalog`);
    const [counts]: { members: number; pending: number }[] = await m.query(
      `SELECT (SELECT count(*) FROM platform.memberships WHERE tenant_id = $1)::int AS members,
              (SELECT count(*) FROM invitations WHERE status = 'pending' AND expires_at > now())::int AS pending`,
      [tenantId],
    );
    return { tenantName: tenant!.name, limit: plan.quotas.users ?? null, members: counts!.members, pending: counts!.pending };
  }

  private assertSeatFree(limit: number | null, used: number): void {
    if (limit !== null && used + 1 > limit) {
      throw new InvitationDomainError(
        InvitationErrorCode.SEAT_QUOTA_EXCEEDED,
        `The plan allows ${limit} users; ${used} are taken (members and pending invitations)`,
        { limit, used },
      );
    }
  }

  private async assertMayManage(m: EntityManager, actor: Actor, role: TenantRole): Promise<void> {
    const self = actorUserId(actor);
    const rows: { role: TenantRole }[] = self
      ? await m.query(`SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2 AND status = 'active'`, [
          this.tenantId,
          self,
        ])
      : [];
    const actorRole = rows[0]?.role;
    if (!roleAtLeast(actorRole, INVITE_MEMBERS) || !roleAtLeast(actorRole, role)) {
      throw new InvitationDomainError(InvitationErrorCode.ROLE_ABOVE_OWN, 'You cannot invite with, or manage, a role above your own');
    }
  }

  private async lockPending(m: EntityManager, id: string): Promise<InvitationRow> {
    if (!UUID.test(id)) throw new InvitationDomainError(InvitationErrorCode.INVITATION_NOT_FOUND, 'Invitation not found');
    const [row]: InvitationRow[] = await m.query(`SELECT ${COLUMNS} FROM invitations WHERE id = $1 AND status = 'pending' FOR UPDATE`, [
      id,
    ]);
    if (!row) throw new InvitationDomainError(InvitationErrorCode.INVITATION_NOT_FOUND, 'Invitation not found');
    return row;
  }

  private async expireStale(m: EntityManager): Promise<void> {
    await m.query(
      `WITH expired AS (
         UPDATE invitations SET status = 'expired', updated_at = now()
          WHERE status = 'pending' AND expires_at <= now() RETURNING id)
       DELETE FROM platform.invitation_tokens WHERE tenant_id = $1 AND invitation_id IN (SELECT id FROM expired)`,
      [this.tenantId],
    );
  }

  private async sendLink(m: EntityManager, invitation: InvitationRow, tenantName: string): Promise<void> {
    const { token, hash } = invitationTokens.create();
    await m.query(`INSERT INTO platform.invitation_tokens (token_hash, tenant_id, invitation_id) VALUES ($1, $2, $3)`, [
      hash,
      this.tenantId,
      invitation.id,
    ]);
    await this.mailer.send(m, {
      to: invitation.email,
      template: 'invitation',
      subject: `You are invited to join ${tenantName}`,
      body: `You have been invited to join ${tenantName} as ${invitation.role}. Accept with this code: ${token}`,
    });
  }
}

function actorUserId(actor: Actor): string | undefined {
  return actor.principal.kind === 'user' ? actor.principal.userId : undefined;
}

function invalid(): InvitationDomainError {
  return new InvitationDomainError(InvitationErrorCode.INVALID_INVITATION, 'Invitation not found');
}
