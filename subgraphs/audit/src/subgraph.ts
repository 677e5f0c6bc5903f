import type { Logger } from '@tenantry/logging';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import { AuditCheckpointEntity } from './audit-checkpoint/audit-checkpoint.entity';
import { startCheckpointTimer } from './audit-checkpoint/audit-checkpoint.job';
import { AuditEventEntity } from './audit-event/audit-event.entity';
import { AuditSigningService } from './audit-signing/audit-signing.service';
import type { AuditSubgraphConfig } from './config';
import { createAuditContext } from './context';
import { auditSubgraphDefinition } from './schema';

export async function startAuditSubgraph(config: AuditSubgraphConfig, port = config.AUDIT_PORT, logger?: Logger): Promise<SubgraphHandle> {
  const signing = await AuditSigningService.fromPrivateJwk(config.AUDIT_SIGNING_KEY);
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [AuditEventEntity, AuditCheckpointEntity],
    applicationName: 'tenantry-audit',
  });
  const handle = await runSubgraph(
    {
      name: 'audit',
      dataSource,
      definition: auditSubgraphDefinition,
      createContext: (base, ds) => createAuditContext(base, ds, signing),
    },
    config,
    port,
    logger,
  );
  const checkpoints = startCheckpointTimer(config.AUDIT_CHECKPOINT_INTERVAL_MS, dataSource, signing, handle.logger);
  return {
    ...handle,
    stop: async () => {
      await checkpoints.stop();
      await handle.stop();
    },
  };
}
