import { allow, type Rules } from '@tenantry/auth';

// Root fields (Query, Mutation) take their rules from config/permissions.json; these guard
// the types those fields return.
export const identityRules: Rules = {
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
  MfaEnrollment: allow,
  CreatedApiKey: allow,
};
