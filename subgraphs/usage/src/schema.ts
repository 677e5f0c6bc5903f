import type { SubgraphDefinition } from '@tenantry/federation';
import { mapUsageErrors } from './errors';
import { resolveTenantUsageReference } from './tenant-usage/tenant-usage.reference';
import { TenantUsageResolver } from './tenant-usage/tenant-usage.resolver';
import { TenantUsage } from './tenant-usage/tenant-usage.type';
import { UsageResolver } from './usage/usage.resolver';
import { QuotaResolver } from './quota/quota.resolver';
import { UsageReportResolver } from './report/report.resolver';

export const usageSubgraphDefinition: SubgraphDefinition = {
  resolvers: [UsageResolver, TenantUsageResolver, QuotaResolver, UsageReportResolver],
  orphanedTypes: [TenantUsage],
  references: { Tenant: { __resolveReference: resolveTenantUsageReference } },
  mapError: mapUsageErrors,
};
