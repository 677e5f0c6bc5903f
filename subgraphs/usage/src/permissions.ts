import { allow, hasRoleOrScope, type Rules } from '@tenantry/auth';

// Root fields (Query, Mutation) take their rules from config/permissions.json; these guard
// the types those fields return.
export const usageRules: Rules = {
  UsageCounter: allow,
  QuotaStatus: allow,
  QuotaCheck: allow,
  UsageBucket: allow,
  BillingReport: allow,
  BillingLine: allow,
  TenantHealth: allow,
  Tenant: { id: allow, usage: hasRoleOrScope('viewer', 'usage:read') },
};
