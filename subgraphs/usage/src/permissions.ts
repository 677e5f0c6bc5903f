import { allow, hasRole, type Rules } from '@tenantry/auth';

export const usageRules: Rules = {
  Query: {
    usageCounters: hasRole('viewer'),
    quotas: hasRole('viewer'),
    checkQuota: hasRole('member'),
  },
  Mutation: {
    recordUsage: hasRole('member'),
    consumeQuota: hasRole('member'),
    releaseQuota: hasRole('member'),
  },
  UsageCounter: allow,
  QuotaStatus: allow,
  QuotaCheck: allow,
  Tenant: { id: allow, usage: hasRole('viewer') },
};
