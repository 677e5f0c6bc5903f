import { Resolver } from 'node:dns/promises';
import type { Logger } from '@tenantry/logging';
import { importVerifyKey } from '@tenantry/auth';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { createDataSource } from '@tenantry/tenancy';
import { persistedQueriesRoute } from './api-client/api-client.route';
import type { TenantSubgraphConfig } from './config';
import { createTenantContext } from './context';
import type { DnsResolver } from './domain/domain.service';
import { keyringFromConfig } from './setting/keyring';
import { tenantSubgraphDefinition } from './schema';
import { tenantResolveRoute } from './tenant-address/tenant-address.route';
import { TenantEntity } from './tenant/tenant.entity';

export interface TenantSubgraphDependencies {
  /** Custom-domain verification looks TXT records up here (default: the system's resolvers). */
  dnsResolver?: DnsResolver;
}

export async function startTenantSubgraph(
  config: TenantSubgraphConfig,
  port = config.TENANT_PORT,
  logger?: Logger,
  dependencies: TenantSubgraphDependencies = {},
): Promise<SubgraphHandle> {
  const contextVerifyKey = await importVerifyKey(config.CONTEXT_VERIFY_KEY);
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [TenantEntity],
    applicationName: 'tenantry-tenant',
  });
  const keyring = keyringFromConfig(config);
  const dns = dependencies.dnsResolver ?? new Resolver({ timeout: 3000, tries: 2 });
  return runSubgraph(
    {
      name: 'tenant',
      dataSource,
      definition: tenantSubgraphDefinition,
      createContext: (base, ds) => createTenantContext(base, ds, keyring, dns),
      extraRoutes: (app) => {
        tenantResolveRoute(dataSource, contextVerifyKey, logger)(app);
        persistedQueriesRoute(dataSource, contextVerifyKey, logger)(app);
      },
    },
    config,
    port,
    logger,
  );
}
