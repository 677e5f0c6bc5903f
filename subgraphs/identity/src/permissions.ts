import { allow, hasRole, hasRoleOrScope, isAuthenticated, isPlatformStaff, type Rules } from '@tenantry/auth';

export const identityRules: Rules = {
  Query: {
    me: isAuthenticated,
    members: hasRoleOrScope('viewer', 'members:read'),
    membersConnection: hasRoleOrScope('viewer', 'members:read'),
    apiKeys: hasRole('admin'),
    sessions: isAuthenticated,
    devMailbox: isPlatformStaff,
    invitations: hasRole('manager'),
  },
  Mutation: {
    // Reached before anyone is signed in; they prove themselves with what they send.
    signUp: allow,
    signIn: allow,
    refreshSession: allow,
    signOut: allow,
    switchTenant: isAuthenticated,
    revokeSession: isAuthenticated,
    changeMemberRole: hasRole('admin'),
    removeMember: hasRole('admin'),
    leaveTenant: hasRole('viewer'),
    transferOwnership: hasRole('owner'),
    inviteMember: hasRole('manager'),
    resendInvitation: hasRole('manager'),
    revokeInvitation: hasRole('manager'),
    // The token in the input is the credential.
    acceptInvitation: allow,
    createApiKey: hasRole('admin'),
    revokeApiKey: hasRole('admin'),
  },
  // Reached only through a guarded root field or a tenant-checked reference.
  User: allow,
  Membership: allow,
  MemberConnection: allow,
  MemberEdge: allow,
  MemberPageInfo: allow,
  Tenant: allow,
  AuthPayload: allow,
  SignUpResult: allow,
  Session: allow,
  DevMail: allow,
  Invitation: allow,
  ApiKey: allow,
  CreatedApiKey: allow,
};
