import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { API_KEY_SCOPES, apiKeyMatches, apiKeyPrefix, isApiKeyScope, newApiKey, roleAtLeast, type Principal } from '@tenantry/auth';
import type { RequestDatabase } from '@tenantry/tenancy';
import { ApiKeyDomainError, ApiKeyErrorCode } from './api-key.errors';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  client: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What the gateway learns about a valid key. */
export interface ApiKeyIdentity {
  keyId: string;
  tenantId: string;
  scopes: string[];
  /** The client whose persisted-query safelist governs the key (ADR 0016). */
  client?: string;
}

interface Actor {
  principal: Principal;
  requestId: string;
}

const COLUMNS = `id, name, prefix, scopes, client_name AS client, created_at AS "createdAt", expires_at AS "expiresAt",
                 last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** last_used_at is written at most this often per key, so verification is not a write per request. */
const LAST_USED_RESOLUTION = '1 minute';

/** Why a presented API key was refused: no key material, only what the database already names. */
export interface ApiKeyRefusal {
  refused: 'malformed' | 'unknown_key' | 'wrong_secret' | 'not_usable';
  keyId?: string;
  tenantId?: string;
}

export class ApiKeyService {
  constructor(private readonly db: RequestDatabase) {}

  list(): Promise<ApiKeyRow[]> {
    return this.db.tenant((m) =>
      m.query(`SELECT ${COLUMNS} FROM platform.api_keys WHERE tenant_id = $1 ORDER BY created_at DESC`, [this.db.tenantId]),
    );
  }

  /** Creates a key for the request's tenant; only its prefix and hash are stored. */
  async create(
    input: { name: string; scopes: string[]; expiresAt?: Date | undefined; client?: string | null | undefined },
    actor: Actor,
  ): Promise<{ key: string; row: ApiKeyRow }> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) throw new ApiKeyDomainError(ApiKeyErrorCode.INVALID_NAME, 'Name must be 1 to 100 characters');
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || !scopes.every(isApiKeyScope)) {
      throw new ApiKeyDomainError(ApiKeyErrorCode.UNKNOWN_SCOPE, `Scopes must be some of: ${API_KEY_SCOPES.join(', ')}`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ApiKeyDomainError(ApiKeyErrorCode.EXPIRY_IN_PAST, 'Expiry must be in the future');
    }
    const client = input.client ?? null;
    const { key, prefix, hash } = newApiKey();
    const row = await this.db
      .tenant(async (m) => {
        await this.assertAdmin(m, actor);
        const id = randomUUID();
        const [created]: ApiKeyRow[] = await m
          .query(
            `INSERT INTO platform.api_keys (id, tenant_id, name, prefix, secret_hash, scopes, created_by, expires_at, client_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              id,
              this.db.tenantId,
              name,
              prefix,
              hash,
              scopes,
              actor.principal.kind === 'user' ? actor.principal.userId : null,
              input.expiresAt ?? null,
              client,
            ],
          )
          .then(() => m.query(`SELECT ${COLUMNS} FROM platform.api_keys WHERE id = $1`, [id]));
        await appendAuditEvent(m, {
          action: 'api_key.created',
          actor: actor.principal,
          resourceType: 'api_key',
          resourceId: id,
          changes: { name: { to: name }, scopes: { to: scopes }, prefix: { to: prefix }, ...(client ? { client: { to: client } } : {}) },
          requestId: actor.requestId,
        });
        return created!;
      })
      .catch((error: unknown) => {
        // The binding names a row of the platform's client registry (owned by the tenant subgraph).
        if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'api_keys_client_name_fkey') {
          throw new ApiKeyDomainError(ApiKeyErrorCode.UNKNOWN_CLIENT, `No client ${client}`);
        }
        throw error;
      });
    return { key, row };
  }

  async revoke(id: string, actor: Actor): Promise<void> {
    if (!UUID.test(id)) throw new ApiKeyDomainError(ApiKeyErrorCode.API_KEY_NOT_FOUND, 'API key not found');
    await this.db.tenant(async (m) => {
      await this.assertAdmin(m, actor);
      const rows: unknown[] = await m.query(
        `WITH revoked AS (
           UPDATE platform.api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id)
         SELECT id FROM revoked`,
        [id, this.db.tenantId],
      );
      if (rows.length === 0) throw new ApiKeyDomainError(ApiKeyErrorCode.API_KEY_NOT_FOUND, 'API key not found');
      await appendAuditEvent(m, {
        action: 'api_key.revoked',
        actor: actor.principal,
        resourceType: 'api_key',
        resourceId: id,
        requestId: actor.requestId,
      });
    });
  }

  /**
   * For the gateway (internal route): the key's identity if it is well-formed, known, matches
   * its hash, unrevoked, unexpired and its tenant is not cancelled; otherwise undefined.
   */
  async verify(key: string): Promise<ApiKeyIdentity | undefined> {
    const outcome = await this.check(key);
    return 'identity' in outcome ? outcome.identity : undefined;
  }

  /** The key's identity, or why it was refused (the key's id and tenant when its prefix is known). */
  async check(key: string): Promise<{ identity: ApiKeyIdentity } | ApiKeyRefusal> {
    const prefix = apiKeyPrefix(key);
    if (!prefix) return { refused: 'malformed' };
    return this.db.platform(async (m) => {
      const [row]: { id: string; tenantId: string; secretHash: Buffer; scopes: string[]; client: string | null; usable: boolean }[] =
        await m.query(
          `SELECT k.id, k.tenant_id AS "tenantId", k.secret_hash AS "secretHash", k.scopes, k.client_name AS client,
                (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND t.status <> 'cancelled') AS usable
           FROM platform.api_keys k JOIN platform.tenants t ON t.id = k.tenant_id
          WHERE k.prefix = $1`,
          [prefix],
        );
      if (!row) return { refused: 'unknown_key' };
      if (!apiKeyMatches(key, row.secretHash)) return { refused: 'wrong_secret', keyId: row.id, tenantId: row.tenantId };
      if (!row.usable) return { refused: 'not_usable', keyId: row.id, tenantId: row.tenantId };
      await m.query(
        `UPDATE platform.api_keys SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
        [row.id],
      );
      return { identity: { keyId: row.id, tenantId: row.tenantId, scopes: row.scopes, ...(row.client ? { client: row.client } : {}) } };
    });
  }

  private async assertAdmin(m: EntityManager, actor: Actor): Promise<void> {
    const userId = actor.principal.kind === 'user' ? actor.principal.userId : undefined;
    const rows: { role: string }[] = userId
      ? await m.query(`SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2 AND status = 'active'`, [
          this.db.tenantId,
          userId,
        ])
      : [];
    if (!roleAtLeast(rows[0]?.role as never, 'admin')) {
      throw new ApiKeyDomainError(ApiKeyErrorCode.NOT_ADMIN, 'Only admins and owners manage API keys');
    }
  }
}
