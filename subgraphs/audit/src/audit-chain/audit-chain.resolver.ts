import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { parseSequenceArg } from './audit-chain.input';
import { toAuditChainVerification } from './audit-chain.mapper';
import { AuditChainVerification } from './audit-chain.type';

@Resolver(() => AuditChainVerification)
export class AuditChainResolver {
  @Query(() => AuditChainVerification, {
    description:
      "Re-hashes the tenant's audit chain over [from, to] (default: all of it) against its signed checkpoints and an optional one you hold",
  })
  async verifyAuditChain(
    @Arg('from', () => String, { nullable: true }) from: string | undefined,
    @Arg('to', () => String, { nullable: true }) to: string | undefined,
    @Arg('checkpoint', () => String, { nullable: true, description: 'A checkpoint token obtained earlier' }) checkpoint: string | undefined,
    @Ctx() ctx: AuditContext,
  ): Promise<AuditChainVerification> {
    const result = await ctx.auditChain.verify({
      from: parseSequenceArg(from, 'from'),
      to: parseSequenceArg(to, 'to'),
      ...(checkpoint ? { checkpointToken: checkpoint } : {}),
    });
    return toAuditChainVerification(result);
  }
}
