import { allow, hasRole, isAuthenticated, type Rules } from '@tenantry/auth';

export const identityRules: Rules = {
  Query: {
    me: isAuthenticated,
    members: hasRole('viewer'),
  },
  Mutation: {
    changeMemberRole: hasRole('admin'),
  },
  // Reached only through a guarded root field or a tenant-checked reference.
  User: allow,
  Membership: allow,
  Tenant: allow,
};
