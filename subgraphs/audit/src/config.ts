import { loadConfig, vars } from '@tenantry/config';

export type AuditSubgraphConfig = ReturnType<typeof loadAuditSubgraphConfig>;

export function loadAuditSubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig({ ...vars.subgraphShape, AUDIT_PORT: vars.port(4004) }, env);
}
