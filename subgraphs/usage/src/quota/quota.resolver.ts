import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { UsageContext } from '../context';
import { ConsumeQuotaInput, ReleaseQuotaInput } from './quota.input';
import { toQuotaCheck, toQuotaStatus } from './quota.mapper';
import { QuotaCheck, QuotaStatus } from './quota.type';

@Resolver(() => QuotaStatus)
export class QuotaResolver {
  @Query(() => [QuotaStatus], { description: "The tenant's limits and current usage, per resource" })
  async quotas(
    @Arg('resources', () => [String], { nullable: true }) resources: string[] | undefined,
    @Ctx() ctx: UsageContext,
  ): Promise<QuotaStatus[]> {
    return (await ctx.quotas.statuses(resources ?? undefined)).map(toQuotaStatus);
  }

  @Query(() => QuotaCheck, { description: 'Would this amount be granted now? (advisory; consumeQuota decides atomically)' })
  async checkQuota(
    @Arg('resource', () => String) resource: string,
    @Arg('amount', () => Int) amount: number,
    @Ctx() ctx: UsageContext,
  ): Promise<QuotaCheck> {
    return toQuotaCheck(await ctx.quotas.check(resource, amount));
  }

  @Mutation(() => QuotaStatus, { description: 'Consume units atomically, or fail with QUOTA_EXCEEDED (limit, used, resetsAt)' })
  async consumeQuota(@Arg('input', () => ConsumeQuotaInput) input: ConsumeQuotaInput, @Ctx() ctx: UsageContext): Promise<QuotaStatus> {
    return toQuotaStatus(await ctx.quotas.consume(input.resource, input.amount, ctx, input.description ?? undefined));
  }

  @Mutation(() => QuotaStatus, { description: 'Give back units of an absolute resource (seats, projects, storage)' })
  async releaseQuota(@Arg('input', () => ReleaseQuotaInput) input: ReleaseQuotaInput, @Ctx() ctx: UsageContext): Promise<QuotaStatus> {
    return toQuotaStatus(await ctx.quotas.release(input.resource, input.amount));
  }
}
