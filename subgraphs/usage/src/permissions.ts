import { allow, hasRoleOrScope, type Rules } from '@tenantry/auth';

export const usageRules: Rules = {
  Query: {
    usageCounters: hasRoleOrScope('viewer', 'usage:read'),
  },
  Mutation: {
    recordUsage: hasRoleOrScope('member', 'usage:write'),
  },
  UsageCounter: allow,
  Tenant: { id: allow, usage: hasRoleOrScope('viewer', 'usage:read') },
};
