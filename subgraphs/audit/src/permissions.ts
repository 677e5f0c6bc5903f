import { allow, hasRole, isAuthenticated, isPlatformAdmin, isPlatformStaff, type Rules } from '@tenantry/auth';

// TODO(feature:audit_logs): reading the trail also needs the plan feature `audit_logs`; the
// feature rule comes from the tenant work in parallel. Plug it in here as
// and(hasRole('admin'), hasFeature('audit_logs')) for auditEvents, verifyAuditChain,
// auditCheckpoints, exportAuditEvents and createAuditCheckpoint.
const auditAdmin = hasRole('admin');

export const auditRules: Rules = {
  Query: {
    auditEvents: auditAdmin,
    verifyAuditChain: auditAdmin,
    auditCheckpoints: auditAdmin,
    exportAuditEvents: auditAdmin,
    // Public key material: any authenticated caller may check a checkpoint they hold.
    auditSigningKey: isAuthenticated,
    auditVerificationKeys: isAuthenticated,
    platformAuditEvents: isPlatformStaff,
    verifyPlatformAuditChain: isPlatformStaff,
    platformAuditCheckpoints: isPlatformStaff,
    exportPlatformAuditEvents: isPlatformStaff,
  },
  Mutation: {
    createAuditCheckpoint: auditAdmin,
    createPlatformAuditCheckpoint: isPlatformAdmin,
  },
  AuditEvent: allow,
  AuditEventEdge: allow,
  AuditEventConnection: allow,
  PageInfo: allow,
  AuditChainVerification: allow,
  AuditChainBreak: allow,
  AuditCheckpoint: allow,
  AuditExport: allow,
};
