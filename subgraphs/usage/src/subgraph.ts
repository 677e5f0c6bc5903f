import type { Logger } from '@tenantry/logging';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import type { UsageSubgraphConfig } from './config';
import { createUsageContext } from './context';
import { systemClock } from './quota/period';
import type { QuotaDependencies } from './quota/quota.service';
import { UsageAlertBus } from './quota/usage-alert.bus';
import { usageSubgraphDefinition } from './schema';
import { UsageCounterEntity } from './usage/usage-counter.entity';

export interface UsageSubgraphHandle extends SubgraphHandle {
  /** Subscribe to threshold alerts raised by this process. */
  alerts: UsageAlertBus;
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
  const deps: QuotaDependencies = {
    clock: systemClock,
    thresholds: config.USAGE_ALERT_THRESHOLDS,
    alerts: new UsageAlertBus(),
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
  return { ...handle, alerts: deps.alerts };
}
