import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { AuditEventFilter } from './audit-event.input';
import { toAuditEventConnection } from './audit-event.mapper';
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
    return toAuditEventConnection(await ctx.auditEvents.page(first, after ?? undefined, filter ?? {}));
  }
}
