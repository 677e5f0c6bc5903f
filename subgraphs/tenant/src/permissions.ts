import {
  allow,
  and,
  hasFeature,
  hasRole,
  hasScope,
  isAuthenticated,
  isPlatformAdmin,
  isPlatformStaff,
  or,
  type Rules,
} from '@tenantry/auth';

export const tenantRules: Rules = {
  Query: {
    currentTenant: or(isAuthenticated, hasScope('tenant:read')),
    // Non-staff callers only ever find their own tenant (the service checks).
    tenant: isAuthenticated,
    tenants: isPlatformStaff,
    plans: isAuthenticated,
    settings: hasRole('viewer'),
  },
  Mutation: {
    createTenant: isPlatformAdmin,
    renameTenant: hasRole('admin'),
    updateTenantProfile: hasRole('admin'),
    changeTenantStatus: isPlatformAdmin,
    purgeTenant: isPlatformAdmin,
    changeTenantParent: isPlatformAdmin,
    exportTenantData: or(hasRole('owner'), isPlatformAdmin),
    // Owners change their own tenant's plan (never forced); platform admins any tenant's.
    changeTenantPlan: or(hasRole('owner'), isPlatformAdmin),
    setTenantQuotaOverride: isPlatformAdmin,
    setTenantFeatureOverride: isPlatformAdmin,
    setTenantSetting: hasRole('admin'),
    clearTenantSetting: hasRole('admin'),
    updateTenantBranding: and(hasRole('admin'), hasFeature('custom_branding')),
    addTenantDomain: and(hasRole('admin'), hasFeature('custom_domains')),
    verifyTenantDomain: hasRole('admin'),
    removeTenantDomain: hasRole('admin'),
  },
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
  Plan: allow,
  PlanQuota: allow,
};
