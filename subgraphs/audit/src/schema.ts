import type { SubgraphDefinition } from '@tenantry/federation';
import { AuditChainResolver } from './audit-chain/audit-chain.resolver';
import { AuditCheckpointResolver } from './audit-checkpoint/audit-checkpoint.resolver';
import { AuditExportResolver } from './audit-export/audit-export.resolver';
import { AuditEventResolver } from './audit-event/audit-event.resolver';
import { mapAuditErrors } from './errors';
import { PlatformAuditResolver } from './platform-audit/platform-audit.resolver';

export const auditSubgraphDefinition: SubgraphDefinition = {
  resolvers: [AuditEventResolver, AuditChainResolver, AuditCheckpointResolver, AuditExportResolver, PlatformAuditResolver],
  mapError: mapAuditErrors,
};
