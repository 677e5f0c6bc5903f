import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendPlatformAuditEvent } from '@tenantry/audit-writer';
import type { RequestDatabase } from '@tenantry/tenancy';
import type { Actor } from '../tenant/tenant.service';
import { ApiClientDomainError, ApiClientErrorCode } from './api-client.errors';
import {
  sha256Hex,
  validateClientName,
  validateManifest,
  validateOperationLimits,
  type OperationLimitOverrides,
  type PersistedOperation,
  type PqMode,
} from './api-client.manifest';

export interface ApiClientRow {
  name: string;
  mode: PqMode;
  operationLimits: OperationLimitOverrides;
  manifestVersion: number;
  operationCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OperationRow {
  id: string;
  name: string;
  type: string;
  body: string;
  firstVersion: number;
  lastVersion: number;
  retiredAt: Date | null;
}

export interface PublicationRow {
  version: number;
  replaced: boolean;
  operations: number;
  added: number;
  retired: number;
  manifestSha256: string;
  publishedBy: string | null;
  requestId: string | null;
  publishedAt: Date;
}

export interface PublicationResult {
  client: ApiClientRow;
  version: number;
  replaced: boolean;
  /** Active operations after the publish. */
  operations: number;
  added: number;
  retired: number;
  unchanged: number;
}

/** What the gateway keeps in memory: every client's mode, limits and active operations. */
export interface ClientSnapshot {
  revision: string;
  clients: { name: string; mode: PqMode; operationLimits: OperationLimitOverrides; operations: Record<string, string> }[];
}

const CLIENT_COLUMNS = `c.name, c.pq_mode AS mode, c.operation_limits AS "operationLimits", c.manifest_version AS "manifestVersion",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM platform.persisted_operations o WHERE o.client_name = c.name AND o.retired_at IS NULL) AS "operationCount"`;

/** Changes whenever a client's mode, limits or manifest change (each bumps updated_at too). */
const CLIENT_PART = `md5(c.name || ':' || c.pq_mode || ':' || c.manifest_version || ':' || c.operation_limits::text || ':' || c.updated_at::text)`;

/** A new client starts in enforce: a partner key bound to it runs nothing but its manifest. */
const DEFAULT_MODE: PqMode = 'enforce';

/**
 * The platform registry of clients and their persisted-query safelists (ADR 0016). Every
 * change is one platform transaction with its platform audit event: a manifest is stored whole
 * or not at all.
 */
export class ApiClientService {
  constructor(private readonly db: RequestDatabase) {}

  list(): Promise<ApiClientRow[]> {
    return this.db.platform((m) => m.query(`SELECT ${CLIENT_COLUMNS} FROM platform.api_clients c ORDER BY c.name`));
  }

  async find(name: string): Promise<ApiClientRow | undefined> {
    return this.db.platform((m) => this.row(m, name));
  }

  /** A client's operations, newest first; retired ones only when asked. */
  operations(client: string, includeRetired: boolean): Promise<OperationRow[]> {
    return this.db.platform((m) =>
      m.query(
        `SELECT id, name, type, body, first_version AS "firstVersion", last_version AS "lastVersion", retired_at AS "retiredAt"
           FROM platform.persisted_operations
          WHERE client_name = $1 AND ($2 OR retired_at IS NULL)
          ORDER BY last_version DESC, name, id`,
        [client, includeRetired],
      ),
    );
  }

  /** A client's publish history, newest first. */
  publications(client: string, first: number): Promise<PublicationRow[]> {
    return this.db.platform((m) =>
      m.query(
        `SELECT version, replaced, operations, added, retired, manifest_sha256 AS "manifestSha256",
                published_by AS "publishedBy", request_id AS "requestId", published_at AS "publishedAt"
           FROM platform.persisted_query_publications WHERE client_name = $1 ORDER BY version DESC LIMIT $2`,
        [client, Math.max(1, Math.min(first, 100))],
      ),
    );
  }

  /**
   * Publishes a manifest for a client (created on first publish). By default the manifest's
   * operations are ADDED to the client's active set, because builds already in users' hands
   * keep sending the ids they were built with; `replace` retires every active operation the
   * manifest leaves out. Validation happens before the transaction opens.
   */
  async publish(
    input: { client: string; manifest: unknown; mode?: PqMode | undefined; replace?: boolean | undefined },
    actor: Actor,
  ): Promise<PublicationResult> {
    const name = validateClientName(input.client);
    const operations = validateManifest(input.manifest);
    const replace = input.replace === true;
    const manifestSha256 = sha256Hex(JSON.stringify(input.manifest));
    return this.db.platform(async (m) => {
      // Create-or-lock in one step, so two first publishes of a client queue instead of colliding.
      const created = (await m.query(
        `INSERT INTO platform.api_clients (name, pq_mode) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name`,
        [name, input.mode ?? DEFAULT_MODE],
      )) as unknown[];
      const [current] = (await m.query(
        `SELECT pq_mode AS mode, manifest_version AS "manifestVersion" FROM platform.api_clients WHERE name = $1 FOR UPDATE`,
        [name],
      )) as { mode: PqMode; manifestVersion: number }[];
      const existing = created.length > 0 ? undefined : current!;
      const mode = input.mode ?? current!.mode;
      const version = current!.manifestVersion + 1;
      await m.query(`UPDATE platform.api_clients SET pq_mode = $2, manifest_version = $3, updated_at = now() WHERE name = $1`, [
        name,
        mode,
        version,
      ]);
      const counts = await this.storeOperations(m, name, version, operations, replace);
      await m.query(
        `INSERT INTO platform.persisted_query_publications
           (client_name, version, replaced, operations, added, retired, manifest_sha256, published_by, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [name, version, replace, operations.length, counts.added, counts.retired, manifestSha256, actorId(actor), actor.requestId],
      );
      await appendPlatformAuditEvent(m, {
        action: 'api_client.persisted_queries_published',
        actor: actor.principal,
        resourceType: 'api_client',
        resourceId: name,
        changes: {
          manifestVersion: { from: existing?.manifestVersion ?? null, to: version },
          ...(mode !== existing?.mode ? { mode: { from: existing?.mode ?? null, to: mode } } : {}),
          operations: { to: { published: operations.length, added: counts.added, retired: counts.retired, replace } },
          manifestSha256: { to: manifestSha256 },
        },
        requestId: actor.requestId,
      });
      const client = (await this.row(m, name))!;
      return {
        client,
        version,
        replaced: replace,
        operations: client.operationCount,
        added: counts.added,
        retired: counts.retired,
        unchanged: operations.length - counts.added,
      };
    });
  }

  /** Changes a client's mode and/or its operation-limit overrides (audited). */
  async update(input: { client: string; mode?: PqMode | undefined; operationLimits?: unknown }, actor: Actor): Promise<ApiClientRow> {
    const name = validateClientName(input.client);
    const limits =
      input.operationLimits === undefined || input.operationLimits === null ? undefined : validateOperationLimits(input.operationLimits);
    return this.db.platform(async (m) => {
      const [before] = (await m.query(
        `SELECT pq_mode AS mode, operation_limits AS "operationLimits" FROM platform.api_clients WHERE name = $1 FOR UPDATE`,
        [name],
      )) as { mode: PqMode; operationLimits: OperationLimitOverrides }[];
      if (!before) throw new ApiClientDomainError(ApiClientErrorCode.CLIENT_NOT_FOUND, `No client ${name}`, { field: 'client' });
      const mode = input.mode ?? before.mode;
      const operationLimits = limits ?? before.operationLimits;
      await m.query(`UPDATE platform.api_clients SET pq_mode = $2, operation_limits = $3, updated_at = now() WHERE name = $1`, [
        name,
        mode,
        JSON.stringify(operationLimits),
      ]);
      await appendPlatformAuditEvent(m, {
        action: 'api_client.updated',
        actor: actor.principal,
        resourceType: 'api_client',
        resourceId: name,
        changes: {
          ...(mode !== before.mode ? { mode: { from: before.mode, to: mode } } : {}),
          ...(limits ? { operationLimits: { from: before.operationLimits, to: operationLimits } } : {}),
        },
        requestId: actor.requestId,
      });
      return (await this.row(m, name))!;
    });
  }

  /**
   * Everything the gateway needs, with a revision that changes whenever any client changes
   * (every change bumps updated_at), so an unchanged registry costs one cheap query.
   */
  async revision(): Promise<string> {
    return this.db.platform(async (m) => {
      const [row] = (await m.query(
        `SELECT coalesce(md5(string_agg(${CLIENT_PART}, ',' ORDER BY c.name)), 'empty') AS revision FROM platform.api_clients c`,
      )) as { revision: string }[];
      return row!.revision;
    });
  }

  /** One statement, so clients and their operations are read from one snapshot. */
  async snapshot(): Promise<ClientSnapshot> {
    return this.db.platform(async (m) => {
      const clients = (await m.query(
        `SELECT c.name, c.pq_mode AS mode, c.operation_limits AS "operationLimits", ${CLIENT_PART} AS part,
                coalesce((SELECT jsonb_object_agg(o.id, o.body) FROM platform.persisted_operations o
                           WHERE o.client_name = c.name AND o.retired_at IS NULL), '{}'::jsonb) AS operations
           FROM platform.api_clients c ORDER BY c.name`,
      )) as (ClientSnapshot['clients'][number] & { part: string })[];
      const revision =
        clients.length === 0
          ? 'empty'
          : createHash('md5')
              .update(clients.map((c) => c.part).join(','))
              .digest('hex');
      return { revision, clients: clients.map(({ part: _part, ...client }) => client) };
    });
  }

  private async storeOperations(
    m: EntityManager,
    client: string,
    version: number,
    operations: PersistedOperation[],
    replace: boolean,
  ): Promise<{ added: number; retired: number }> {
    const ids = operations.map((o) => o.id);
    const [active] = (await m.query(
      `SELECT count(*)::int AS n FROM platform.persisted_operations WHERE client_name = $1 AND retired_at IS NULL AND id = ANY($2::text[])`,
      [client, ids],
    )) as { n: number }[];
    // New ids are inserted; known ones (even retired) become active again at this version.
    await m.query(
      `INSERT INTO platform.persisted_operations (client_name, id, name, type, body, first_version, last_version)
       SELECT $1, o.id, o.name, o.type, o.body, $2, $2
         FROM jsonb_to_recordset($3::jsonb) AS o(id text, name text, type text, body text)
       ON CONFLICT (client_name, id) DO UPDATE SET last_version = EXCLUDED.last_version, name = EXCLUDED.name, retired_at = NULL`,
      [client, version, JSON.stringify(operations)],
    );
    let retired = 0;
    if (replace) {
      const rows = (await m.query(
        `WITH retired AS (
           UPDATE platform.persisted_operations SET retired_at = now()
            WHERE client_name = $1 AND retired_at IS NULL AND NOT (id = ANY($2::text[])) RETURNING id)
         SELECT id FROM retired`,
        [client, ids],
      )) as unknown[];
      retired = rows.length;
    }
    return { added: operations.length - active!.n, retired };
  }

  private async row(m: EntityManager, name: string): Promise<ApiClientRow | undefined> {
    const [row] = (await m.query(`SELECT ${CLIENT_COLUMNS} FROM platform.api_clients c WHERE c.name = $1`, [name])) as ApiClientRow[];
    return row;
  }
}

function actorId(actor: Actor): string | null {
  const p = actor.principal;
  return p.kind === 'user' ? p.userId : p.kind === 'api_key' ? p.keyId : null;
}
