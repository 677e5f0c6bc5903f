import { allow, hasRoleOrScope, type Rules } from '@tenantry/auth';

export const auditRules: Rules = {
  Query: {
    auditEvents: hasRoleOrScope('admin', 'audit:read'),
  },
  AuditEvent: allow,
  AuditEventEdge: allow,
  AuditEventConnection: allow,
  PageInfo: allow,
};
