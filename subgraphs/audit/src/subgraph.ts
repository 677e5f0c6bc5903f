import type { Logger } from '@tenantry/logging';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import { AuditEventEntity } from './audit-event/audit-event.entity';
import type { AuditSubgraphConfig } from './config';
import { createAuditContext } from './context';
import { auditSubgraphDefinition } from './schema';

export function startAuditSubgraph(config: AuditSubgraphConfig, port = config.AUDIT_PORT, logger?: Logger): Promise<SubgraphHandle> {
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [AuditEventEntity],
    applicationName: 'tenantry-audit',
  });
  return runSubgraph(
    { name: 'audit', dataSource, definition: auditSubgraphDefinition, createContext: createAuditContext },
    config,
    port,
    logger,
  );
}
