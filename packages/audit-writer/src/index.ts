import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { principalId, type Principal } from '@tenantry/auth';

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

const ACTOR_TYPE: Record<Principal['kind'], string> = {
  anonymous: 'system',
  user: 'user',
  api_key: 'api_key',
};

/**
 * Appends an audit event in the caller's tenant transaction (inside withTenant), so the
 * event and the change it records commit or roll back together. The audit subgraph owns
 * and reads the table; every subgraph writes through this one function.
 */
export async function appendAuditEvent(manager: EntityManager, event: AuditEventInput): Promise<string> {
  const id = randomUUID();
  const actorType =
    event.actor.kind === 'user' && event.actor.platformRole && !event.actor.role ? 'platform_staff' : ACTOR_TYPE[event.actor.kind];
  await manager.query(
    `INSERT INTO audit_events (id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      event.action,
      actorType,
      principalId(event.actor) ?? null,
      event.resourceType,
      event.resourceId,
      JSON.stringify(event.changes ?? {}),
      event.requestId ?? null,
    ],
  );
  return id;
}
