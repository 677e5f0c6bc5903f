import type { SubgraphDefinition } from '@tenantry/federation';
import { AuditEventResolver } from './audit-event/audit-event.resolver';
import { auditRules } from './permissions';

export const auditSubgraphDefinition: SubgraphDefinition = {
  resolvers: [AuditEventResolver],
  rules: auditRules,
};
