import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { encodeCursor } from './audit-event.service';
import { AuditEventFilter } from './audit-event.input';
import { AuditEvent, AuditEventConnection } from './audit-event.type';

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: "The request's tenant audit trail, newest first, optionally filtered" })
  async auditEvents(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditEventConnection> {
    const { rows, hasNextPage } = await ctx.auditEvents.page(first, after ?? undefined, filter ?? {});
    const edges = rows.map((row) => ({
      cursor: encodeCursor(row.seq),
      node: Object.assign(new AuditEvent(), {
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
      }),
    }));
    return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
