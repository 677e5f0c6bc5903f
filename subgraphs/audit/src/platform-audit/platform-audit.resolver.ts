import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { parseSequenceArg } from '../audit-chain/audit-chain.input';
import { toAuditChainVerification } from '../audit-chain/audit-chain.mapper';
import { AuditChainVerification } from '../audit-chain/audit-chain.type';
import { toAuditCheckpoint } from '../audit-checkpoint/audit-checkpoint.mapper';
import { AuditCheckpoint } from '../audit-checkpoint/audit-checkpoint.type';
import { AuditEventFilter } from '../audit-event/audit-event.input';
import { toAuditEventConnection } from '../audit-event/audit-event.mapper';
import { AuditEventConnection } from '../audit-event/audit-event.type';

/** The platform's own trail (tenant creation, staff actions), for platform staff. */
@Resolver()
export class PlatformAuditResolver {
  @Query(() => AuditEventConnection, { description: "The platform's own audit trail, newest first" })
  async platformAuditEvents(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditEventConnection> {
    return toAuditEventConnection(await ctx.platformAudit.events.page(first, after ?? undefined, filter ?? {}));
  }

  @Query(() => AuditChainVerification, { description: "Re-hashes the platform's own audit chain over [from, to]" })
  async verifyPlatformAuditChain(
    @Arg('from', () => String, { nullable: true }) from: string | undefined,
    @Arg('to', () => String, { nullable: true }) to: string | undefined,
    @Arg('checkpoint', () => String, { nullable: true }) checkpoint: string | undefined,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditChainVerification> {
    const result = await ctx.platformAudit.chain.verify({
      from: parseSequenceArg(from, 'from'),
      to: parseSequenceArg(to, 'to'),
      ...(checkpoint ? { checkpointToken: checkpoint } : {}),
    });
    return toAuditChainVerification(result);
  }

  @Query(() => [AuditCheckpoint], { description: "The platform chain's signed checkpoints, newest first" })
  async platformAuditCheckpoints(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditCheckpoint[]> {
    return (await ctx.platformAudit.checkpoints.latest(first)).map(toAuditCheckpoint);
  }

  @Mutation(() => AuditCheckpoint, { description: "Signs the platform audit chain's head now" })
  async createPlatformAuditCheckpoint(@Ctx() ctx: AuditContext): Promise<AuditCheckpoint> {
    return toAuditCheckpoint(await ctx.platformAudit.checkpoints.create());
  }
}
