import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import { QuotaService, type QuotaDependencies } from './quota/quota.service';
import { UsageReportService } from './report/report.service';
import type { UsageCounterEntity } from './usage/usage-counter.entity';
import { UsageService } from './usage/usage.service';

export interface UsageContext extends BaseSubgraphContext {
  usage: UsageService;
  quotas: QuotaService;
  reports: UsageReportService;
  /** Per request: the current tenant's counters, read once however many times they are asked for. */
  currentUsage: DataLoader<string, UsageCounterEntity[]>;
}

export function createUsageContext(base: BaseSubgraphContext, dataSource: DataSource, deps: QuotaDependencies): UsageContext {
  const db = new RequestDatabase(dataSource, base.tenantId);
  const usage = new UsageService(db);
  return {
    ...base,
    // Read once per request, on demand, by the hasFeature rule.
    features: () => db.features(),
    usage,
    quotas: new QuotaService(db, deps),
    reports: new UsageReportService(db, deps.clock),
    currentUsage: new DataLoader(async (tenantIds) => {
      const counters = await usage.currentPeriod();
      return tenantIds.map(() => counters);
    }),
  };
}
