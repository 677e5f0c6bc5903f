import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { UsageContext } from '../context';
import { UsageCounter } from './usage-counter.type';
import { RecordUsageInput } from './usage.input';
import { toUsageCounter } from './usage.mapper';

@Resolver(() => UsageCounter)
export class UsageResolver {
  @Query(() => [UsageCounter], { description: "This month's usage of the request's tenant" })
  async usageCounters(@Ctx() ctx: UsageContext): Promise<UsageCounter[]> {
    return (await ctx.usage.currentPeriod()).map(toUsageCounter);
  }

  @Mutation(() => UsageCounter)
  async recordUsage(@Arg('input', () => RecordUsageInput) input: RecordUsageInput, @Ctx() ctx: UsageContext): Promise<UsageCounter> {
    return toUsageCounter(await ctx.usage.record(input.resource, input.amount, ctx));
  }
}
