import { allow, hasRole, type Rules } from '@tenantry/auth';

export const auditRules: Rules = {
  Query: {
    auditEvents: hasRole('admin'),
  },
  AuditEvent: allow,
  AuditEventEdge: allow,
  AuditEventConnection: allow,
  PageInfo: allow,
};
