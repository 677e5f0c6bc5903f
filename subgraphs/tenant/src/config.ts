import { loadConfig, vars } from '@tenantry/config';

export type TenantSubgraphConfig = ReturnType<typeof loadTenantSubgraphConfig>;

export function loadTenantSubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig(
    {
      ...vars.subgraphShape,
      TENANT_PORT: vars.port(4001),
      /** Wraps every tenant's data key (secret settings); 32 bytes, base64. */
      MASTER_KEY: vars.masterKey,
      /** The key being rotated away from, while `rotate-master-key` re-wraps data keys. */
      MASTER_KEY_PREVIOUS: vars.masterKey.optional(),
    },
    env,
  );
}
