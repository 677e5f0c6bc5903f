import { loadConfig, vars } from '@tenantry/config';

export type TenantSubgraphConfig = ReturnType<typeof loadTenantSubgraphConfig>;

export function loadTenantSubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig({ ...vars.subgraphShape, TENANT_PORT: vars.port(4001) }, env);
}
