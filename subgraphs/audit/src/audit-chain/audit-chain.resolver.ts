import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { AuditContext } from '../context';
import { AuditChainDomainError, AuditChainErrorCode } from './audit-chain.errors';
import { AuditChainVerification } from './audit-chain.type';

function sequence(value: string | undefined | null, field: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!/^[1-9]\d{0,18}$/.test(value))
    throw new AuditChainDomainError(AuditChainErrorCode.INVALID_RANGE, `${field} must be a sequence number`);
  return BigInt(value);
}

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
      from: sequence(from, 'from'),
      to: sequence(to, 'to'),
      ...(checkpoint ? { checkpointToken: checkpoint } : {}),
    });
    return {
      ok: result.ok,
      fromSequence: result.from.toString(),
      toSequence: result.to.toString(),
      headSequence: result.headSeq.toString(),
      checkedEvents: result.checkedEvents,
      checkpointsChecked: result.checkpointsChecked,
      firstBreak: result.break ? { sequence: result.break.seq.toString(), reason: result.break.reason, detail: result.break.detail } : null,
    };
  }
}
