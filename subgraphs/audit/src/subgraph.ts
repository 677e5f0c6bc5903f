import type { Logger } from '@tenantry/logging';
import { loadPlanCatalog } from '@tenantry/plans';
import { createDataSource } from '@tenantry/tenancy';
import { AuditCheckpointEntity } from './audit-checkpoint/audit-checkpoint.entity';
import { checkpointMovedChains } from './audit-checkpoint/audit-checkpoint.job';
import { purgeExpiredAuditEvents, purgeExpiredPlatformAuditEvents } from './audit-retention/audit-retention.job';
import { runSubgraph, startPeriodic, type SubgraphHandle } from '@tenantry/federation';
import { AuditEventEntity } from './audit-event/audit-event.entity';
import { AuditSigningService } from './audit-signing/audit-signing.service';
import type { AuditSubgraphConfig } from './config';
import { createAuditContext } from './context';
import { auditSubgraphDefinition } from './schema';

export async function startAuditSubgraph(config: AuditSubgraphConfig, port = config.AUDIT_PORT, logger?: Logger): Promise<SubgraphHandle> {
  const signing = await AuditSigningService.fromPrivateJwk(config.AUDIT_SIGNING_KEY, config.AUDIT_RETIRED_VERIFY_KEYS);
  const { retentionDays } = loadPlanCatalog();
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
  const log = handle.logger;
  const jobs = [
    startPeriodic(
      'audit-checkpoints',
      config.AUDIT_CHECKPOINT_INTERVAL_MS,
      async () => {
        const report = await checkpointMovedChains(dataSource, signing, log);
        if (report.checkpointed > 0 || report.failed > 0) log.info(report, 'audit checkpoints signed');
      },
      log,
    ),
    startPeriodic(
      'audit-retention',
      config.AUDIT_RETENTION_INTERVAL_MS,
      async () => {
        const outcomes = await purgeExpiredAuditEvents(dataSource, signing, retentionDays, { log });
        const purged = outcomes.filter((o) => o.status === 'purged');
        if (purged.length > 0) log.info({ purged }, 'audit events purged by retention');
        const platform = await purgeExpiredPlatformAuditEvents(dataSource, signing, config.AUDIT_PLATFORM_RETENTION_DAYS, { log });
        if (platform.status === 'purged') log.info({ purged: platform }, 'platform audit events purged by retention');
      },
      log,
    ),
  ];
  return {
    ...handle,
    stop: async () => {
      await Promise.all(jobs.map((job) => job.stop()));
      await handle.stop();
    },
  };
}
