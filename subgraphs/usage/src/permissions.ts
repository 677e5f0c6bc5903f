import { allow, hasRole, type Rules } from '@tenantry/auth';

export const usageRules: Rules = {
  Query: {
    usageCounters: hasRole('viewer'),
  },
  Mutation: {
    recordUsage: hasRole('member'),
  },
  UsageCounter: allow,
  Tenant: { id: allow, usage: hasRole('viewer') },
};
