import { allow, hasRole, hasRoleOrScope, type Rules } from '@tenantry/auth';

export const usageRules: Rules = {
  Query: {
    usageCounters: hasRoleOrScope('viewer', 'usage:read'),
    quotas: hasRoleOrScope('viewer', 'usage:read'),
    checkQuota: hasRoleOrScope('member', 'usage:write'),
    usageHistory: hasRoleOrScope('viewer', 'usage:read'),
    billingReport: hasRole('admin'),
    tenantHealth: hasRoleOrScope('viewer', 'usage:read'),
  },
  Mutation: {
    recordUsage: hasRoleOrScope('member', 'usage:write'),
    consumeQuota: hasRoleOrScope('member', 'usage:write'),
    releaseQuota: hasRoleOrScope('member', 'usage:write'),
  },
  UsageCounter: allow,
  QuotaStatus: allow,
  QuotaCheck: allow,
  UsageBucket: allow,
  BillingReport: allow,
  BillingLine: allow,
  TenantHealth: allow,
  Tenant: { id: allow, usage: hasRoleOrScope('viewer', 'usage:read') },
};
