import type { AuditEventEntity } from './audit-event.entity';
import { encodeCursor } from './audit-event.service';
import { AuditEvent, type AuditEventConnection } from './audit-event.type';

export function toAuditEvent(row: AuditEventEntity): AuditEvent {
  return Object.assign(new AuditEvent(), {
    id: row.id,
    sequence: row.seq,
    action: row.action,
    actorType: row.actorType,
    actorId: row.actorId,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    changes: row.changes,
    requestId: row.requestId,
    occurredAt: row.occurredAt,
    hash: row.hash?.toString('hex') ?? null,
    previousHash: row.prevHash?.toString('hex') ?? null,
  });
}

export function toAuditEventConnection(page: { rows: AuditEventEntity[]; hasNextPage: boolean }): AuditEventConnection {
  const edges = page.rows.map((row) => ({ cursor: encodeCursor(row.seq), node: toAuditEvent(row) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
