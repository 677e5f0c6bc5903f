import { allow, hasRole, type Rules } from '@tenantry/auth';

export const usageRules: Rules = {
  Query: {
    usageCounters: hasRole('viewer'),
    quotas: hasRole('viewer'),
    checkQuota: hasRole('member'),
    usageHistory: hasRole('viewer'),
    billingReport: hasRole('admin'),
    tenantHealth: hasRole('viewer'),
  },
  Mutation: {
    recordUsage: hasRole('member'),
    consumeQuota: hasRole('member'),
    releaseQuota: hasRole('member'),
  },
  UsageCounter: allow,
  QuotaStatus: allow,
  QuotaCheck: allow,
  UsageBucket: allow,
  BillingReport: allow,
  BillingLine: allow,
  TenantHealth: allow,
  Tenant: { id: allow, usage: hasRole('viewer') },
};
