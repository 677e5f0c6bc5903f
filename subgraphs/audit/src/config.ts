import { z } from 'zod';
import { loadConfig, vars } from '@tenantry/config';

export type AuditSubgraphConfig = ReturnType<typeof loadAuditSubgraphConfig>;

export function loadAuditSubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig(
    {
      ...vars.subgraphShape,
      AUDIT_PORT: vars.port(4004),
      /** The platform's private Ed25519 JWK that signs audit checkpoints. */
      AUDIT_SIGNING_KEY: vars.jwkJson,
      /** Public JWKs (a JSON array) of earlier audit keys, so statements they signed still verify. */
      AUDIT_RETIRED_VERIFY_KEYS: vars.jwkArrayJson,
      /** How often every tenant's moved chain head is checkpointed; 0 turns the timer off. */
      AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce
        .number()
        .int()
        .min(0)
        .default(15 * 60 * 1000),
      /** How often events past their plan's retentionDays are purged (with a signed record); 0 turns it off. */
      AUDIT_RETENTION_INTERVAL_MS: z.coerce
        .number()
        .int()
        .min(0)
        .default(6 * 60 * 60 * 1000),
      /** Days the platform's own trail keeps events before the retention job purges them (signed record). */
      AUDIT_PLATFORM_RETENTION_DAYS: z.coerce.number().int().min(1).default(730),
    },
    env,
  );
}
