import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { UsageContext } from '../context';
import { UsageCounter } from '../usage/usage-counter.type';
import { toUsageCounter } from '../usage/usage.mapper';
import { TenantUsage } from './tenant-usage.type';

@Resolver(() => TenantUsage)
export class TenantUsageResolver {
  @FieldResolver(() => [UsageCounter])
  async usage(@Root() tenant: TenantUsage, @Ctx() ctx: UsageContext): Promise<UsageCounter[]> {
    if (tenant.id !== ctx.tenantId) return [];
    return (await ctx.currentUsage.load(tenant.id)).map(toUsageCounter);
  }
}
