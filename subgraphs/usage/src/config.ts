import { loadConfig, vars } from '@tenantry/config';

export type UsageSubgraphConfig = ReturnType<typeof loadUsageSubgraphConfig>;

export function loadUsageSubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig({ ...vars.subgraphShape, USAGE_PORT: vars.port(4003) }, env);
}
