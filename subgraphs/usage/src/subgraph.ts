import type { Logger } from '@tenantry/logging';
import { runSubgraph, startPeriodic, type SubgraphHandle } from '@tenantry/federation';
import { loadPlanCatalog } from '@tenantry/plans';
import { createDataSource } from '@tenantry/tenancy';
import type { UsageSubgraphConfig } from './config';
import { createUsageContext } from './context';
import { systemClock } from './quota/period';
import { createQuotaLeasing, type QuotaDependencies } from './quota/quota.service';
import { RedisAlertPublisher } from './quota/redis-alert-publisher';
import { RedisLeases } from './quota/redis-lease';
import { UsageAlertBus } from './quota/usage-alert.bus';
import { usageSubgraphDefinition } from './schema';
import { runUsageMaintenance } from './usage-maintenance';
import { UsageCounterEntity } from './usage/usage-counter.entity';

export interface UsageSubgraphHandle extends SubgraphHandle {
  /** Subscribe to threshold alerts raised by this process (with REDIS_URL, also on Redis pub/sub). */
  alerts: UsageAlertBus;
  /** One pass of the maintenance job (settle expired leases, roll up usage), for tests and tools. */
  runMaintenance: () => ReturnType<typeof runUsageMaintenance>;
}

export async function startUsageSubgraph(
  config: UsageSubgraphConfig,
  port = config.USAGE_PORT,
  logger?: Logger,
  overrides: Partial<QuotaDependencies> = {},
): Promise<UsageSubgraphHandle> {
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [UsageCounterEntity],
    applicationName: 'tenantry-usage',
  });
  const redisLeases = config.REDIS_URL ? new RedisLeases(config.REDIS_URL, config.USAGE_REDIS_PREFIX) : undefined;
  const deps: QuotaDependencies = {
    clock: systemClock,
    thresholds: config.USAGE_ALERT_THRESHOLDS,
    alerts: new UsageAlertBus(),
    leasing:
      redisLeases &&
      createQuotaLeasing(redisLeases, loadPlanCatalog(), { units: config.USAGE_LEASE_UNITS, ttlMs: config.USAGE_LEASE_TTL_MS }),
    ...overrides,
  };
  const handle = await runSubgraph(
    {
      name: 'usage',
      dataSource,
      definition: usageSubgraphDefinition,
      createContext: (base, ds) => createUsageContext(base, ds, deps),
    },
    config,
    port,
    logger,
  );
  const log = handle.logger;
  const publisher = config.REDIS_URL ? new RedisAlertPublisher(config.REDIS_URL, config.USAGE_REDIS_PREFIX, deps.alerts, log) : undefined;
  const runMaintenance = () => runUsageMaintenance(dataSource, new Date(), { graceMs: config.USAGE_ROLLUP_GRACE_MS, log });
  const job = startPeriodic(
    'usage-maintenance',
    config.USAGE_ROLLUP_INTERVAL_MS,
    async () => {
      const report = await runMaintenance();
      if (report.leasesSettled > 0 || report.bucketsRolled > 0 || report.failed > 0) log.info(report, 'usage maintenance');
    },
    log,
  );
  return {
    ...handle,
    alerts: deps.alerts,
    runMaintenance,
    stop: async () => {
      await job.stop();
      await handle.stop();
      await Promise.all([publisher?.close(), redisLeases?.close()]);
    },
  };
}
