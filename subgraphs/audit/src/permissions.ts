import { allow, type Rules } from '@tenantry/auth';

// Root fields (Query, Mutation) take their rules from config/permissions.json; these guard
// the types those fields return.
export const auditRules: Rules = {
  AuditEvent: allow,
  AuditEventEdge: allow,
  AuditEventConnection: allow,
  PageInfo: allow,
  AuditChainVerification: allow,
  AuditChainBreak: allow,
  AuditCheckpoint: allow,
  AuditExport: allow,
};
