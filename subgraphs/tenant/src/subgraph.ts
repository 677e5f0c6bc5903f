import type { Logger } from '@tenantry/logging';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import type { TenantSubgraphConfig } from './config';
import { createTenantContext } from './context';
import { keyringFromConfig } from './setting/keyring';
import { tenantSubgraphDefinition } from './schema';
import { TenantEntity } from './tenant/tenant.entity';

export function startTenantSubgraph(config: TenantSubgraphConfig, port = config.TENANT_PORT, logger?: Logger): Promise<SubgraphHandle> {
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [TenantEntity],
    applicationName: 'tenantry-tenant',
  });
  const keyring = keyringFromConfig(config);
  return runSubgraph(
    {
      name: 'tenant',
      dataSource,
      definition: tenantSubgraphDefinition,
      createContext: (base, ds) => createTenantContext(base, ds, keyring),
    },
    config,
    port,
    logger,
  );
}
