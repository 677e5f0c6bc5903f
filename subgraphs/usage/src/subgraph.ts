import type { Logger } from '@tenantry/logging';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import type { UsageSubgraphConfig } from './config';
import { createUsageContext } from './context';
import { usageSubgraphDefinition } from './schema';
import { UsageCounterEntity } from './usage/usage-counter.entity';

export function startUsageSubgraph(config: UsageSubgraphConfig, port = config.USAGE_PORT, logger?: Logger): Promise<SubgraphHandle> {
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [UsageCounterEntity],
    applicationName: 'tenantry-usage',
  });
  return runSubgraph(
    { name: 'usage', dataSource, definition: usageSubgraphDefinition, createContext: createUsageContext },
    config,
    port,
    logger,
  );
}
