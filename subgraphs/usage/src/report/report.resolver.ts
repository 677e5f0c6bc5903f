import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { UsageContext } from '../context';
import { BillingReport, HealthStatus, HistoryBucket, TenantHealth, UsageBucket } from './report.type';

@Resolver()
export class UsageReportResolver {
  @Query(() => [UsageBucket], { description: 'Usage over time for charts, in UTC buckets' })
  async usageHistory(
    @Arg('resource', () => String) resource: string,
    @Arg('bucket', () => HistoryBucket) bucket: HistoryBucket,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: UsageContext,
  ): Promise<UsageBucket[]> {
    return (await ctx.reports.history(resource, bucket, from, to)).map((b) => Object.assign(new UsageBucket(), b));
  }

  @Query(() => BillingReport, { description: 'Plan price, included units, overage and total for a month (YYYY-MM)' })
  async billingReport(@Arg('month', () => String) month: string, @Ctx() ctx: UsageContext): Promise<BillingReport> {
    return Object.assign(new BillingReport(), await ctx.reports.billing(month));
  }

  @Query(() => TenantHealth, { description: 'healthy, warning or critical, from quota utilisation and recent refusals' })
  async tenantHealth(@Ctx() ctx: UsageContext): Promise<TenantHealth> {
    const report = await ctx.reports.health();
    return Object.assign(new TenantHealth(), { status: report.status as HealthStatus, reasons: report.reasons });
  }
}
