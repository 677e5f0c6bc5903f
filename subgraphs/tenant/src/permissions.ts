import { allow, hasRole, hasScope, isPlatformAdmin, isAuthenticated, or, type Rules } from '@tenantry/auth';

export const tenantRules: Rules = {
  Query: {
    currentTenant: or(isAuthenticated, hasScope('tenant:read')),
  },
  Mutation: {
    createTenant: isPlatformAdmin,
    renameTenant: hasRole('admin'),
  },
  // Reaching a Tenant at all already passed a root-field rule or the reference's tenant check.
  Tenant: allow,
};
