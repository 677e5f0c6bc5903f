import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { auditAppendDuration, secondsSince } from '@tenantry/metrics';
import { principalId, type Principal } from '@tenantry/auth';
import { asStoredJson, chainHash, type ChainedEventContent } from './canonical';

export * from './canonical';
export * from './security-events';

export interface AuditEventInput {
  /** Stable dotted name, e.g. `tenant.renamed`. */
  action: string;
  actor: Principal;
  resourceType: string;
  resourceId: string;
  /** Changed fields as { field: { from, to } }; never secrets. */
  changes?: Record<string, { from?: unknown; to?: unknown }>;
  requestId?: string;
}

export interface PlatformAuditEventInput extends AuditEventInput {
  /** The tenant the action concerns, if any (e.g. the one created). */
  tenantId?: string;
}

const ACTOR_TYPE: Record<Principal['kind'], string> = {
  anonymous: 'system',
  user: 'user',
  api_key: 'api_key',
};

interface ChainHeadRow {
  tenant_id: string | null;
  last_seq: string;
  last_hash: Buffer;
  last_occurred_at: Date | null;
}

/** Where a chain lives: its lock function and table, and which tenant id its events hash. */
interface ChainTarget {
  lock: string;
  table: string;
  tenantIdOf: (head: ChainHeadRow) => string | null;
  /** The platform table records the tenant an event concerns in its own column. */
  tenantColumn: boolean;
}

const TENANT_CHAIN: ChainTarget = {
  // Unqualified: withTenant's search_path starts with the tenant's schema.
  lock: 'audit_chain_lock()',
  table: 'audit_events',
  tenantIdOf: (head) => {
    if (!head.tenant_id) throw new Error('audit chain head is missing: not a provisioned tenant schema');
    return head.tenant_id;
  },
  tenantColumn: false,
};

/**
 * Appends an audit event in the caller's tenant transaction (inside withTenant), so the
 * event and the change it records commit or roll back together. The audit subgraph owns
 * and reads the table; every subgraph writes through this one function.
 *
 * The event is the next link of the tenant's hash chain: the chain head is locked (FOR
 * UPDATE, until the caller's transaction ends), so appends of one tenant are serialised and
 * each gets the next sequence number and the hash of its predecessor. The database's link
 * trigger refuses any row that does not extend the head by exactly one.
 */
export async function appendAuditEvent(manager: EntityManager, event: AuditEventInput): Promise<string> {
  const started = process.hrtime.bigint();
  try {
    return await appendLink(manager, event, TENANT_CHAIN);
  } finally {
    // Includes the wait for the tenant's chain lock: what an append really costs the caller.
    auditAppendDuration.observe(secondsSince(started));
  }
}

/**
 * Appends to the platform's own chain (tenant creation, staff actions) in the caller's
 * transaction, as the application's login role (tenant roles cannot reach it).
 */
export async function appendPlatformAuditEvent(manager: EntityManager, event: PlatformAuditEventInput): Promise<string> {
  return appendLink(manager, event, {
    lock: 'platform.audit_chain_lock()',
    table: 'platform.audit_events',
    tenantIdOf: () => event.tenantId ?? null,
    tenantColumn: true,
  });
}

async function appendLink(manager: EntityManager, event: AuditEventInput, chain: ChainTarget): Promise<string> {
  const [head] = (await manager.query(`SELECT tenant_id, last_seq, last_hash, last_occurred_at FROM ${chain.lock}`)) as ChainHeadRow[];
  if (!head) throw new Error('audit chain head is missing');

  const id = randomUUID();
  const actorType =
    event.actor.kind === 'user' && event.actor.platformRole && !event.actor.role ? 'platform_staff' : ACTOR_TYPE[event.actor.kind];
  // Chosen after taking the lock and never before the previous event: time follows sequence.
  const now = Date.now();
  const occurredAt = new Date(Math.max(now, head.last_occurred_at?.getTime() ?? now));
  const content: ChainedEventContent = {
    tenantId: chain.tenantIdOf(head),
    seq: (BigInt(head.last_seq) + 1n).toString(),
    id,
    action: event.action,
    actorType,
    actorId: principalId(event.actor) ?? null,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    changes: asStoredJson(event.changes ?? {}),
    requestId: event.requestId ?? null,
    occurredAt: occurredAt.toISOString(),
  };
  const hash = chainHash(head.last_hash, content);
  const platformColumns = chain.tenantColumn;
  await manager.query(
    `INSERT INTO ${chain.table}
       (seq, id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id, occurred_at, prev_hash, hash${
         platformColumns ? ', tenant_id' : ''
       })
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12${platformColumns ? ', $13' : ''})`,
    [
      content.seq,
      id,
      content.action,
      content.actorType,
      content.actorId,
      content.resourceType,
      content.resourceId,
      JSON.stringify(content.changes),
      content.requestId,
      content.occurredAt,
      head.last_hash,
      hash,
      ...(platformColumns ? [content.tenantId] : []),
    ],
  );
  return id;
}
