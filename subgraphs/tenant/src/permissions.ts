import { allow, hasFeature, hasRole, isPlatformStaff, or, type Rules } from '@tenantry/auth';

// Root fields (Query, Mutation) take their rules from config/permissions.json; these guard
// the types those fields return.
export const tenantRules: Rules = {
  // Reaching a Tenant at all already passed a root-field rule or the reference's tenant check;
  // contact details are for the tenant's admins and platform staff.
  Tenant: {
    '*': allow,
    contact: or(hasRole('admin'), isPlatformStaff),
    children: or(hasFeature('tenant_hierarchy'), isPlatformStaff),
    domains: or(hasRole('admin'), isPlatformStaff),
  },
  TenantContact: allow,
  TenantQuota: allow,
  TenantConnection: isPlatformStaff,
  TenantEdge: isPlatformStaff,
  TenantPageInfo: isPlatformStaff,
  TenantStatusCount: isPlatformStaff,
  TenantSetting: allow,
  TenantBranding: allow,
  TenantDomain: allow,
  TenantExport: allow,
  TenantPurgeResult: allow,
  ApiClient: isPlatformStaff,
  OperationLimitOverrides: isPlatformStaff,
  PersistedQueryPublication: isPlatformStaff,
  PersistedOperation: isPlatformStaff,
  PersistedQueryPublicationRecord: isPlatformStaff,
  Plan: allow,
  PlanQuota: allow,
};
