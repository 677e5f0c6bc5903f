import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, vars } from '@tenantry/config';

export type CliConfig = ReturnType<typeof loadCliConfig>;

export const REPO_ROOT = path.resolve(__dirname, '../../..');

const optional = <T extends z.ZodTypeAny>(schema: T) => schema.optional();

export function loadCliConfig(env: Record<string, string | undefined>) {
  const config = loadConfig(
    {
      NODE_ENV: vars.nodeEnv,
      LOG_LEVEL: vars.logLevel,
      /** Unset: an embedded PostgreSQL under DATA_DIR (not allowed in production). */
      DATABASE_URL: optional(vars.postgresUrl),
      DATABASE_POOL_SIZE: vars.poolSize,
      REDIS_URL: optional(vars.redisUrl),
      DATA_DIR: z.string().default(path.join(REPO_ROOT, '.data')),
      EMBEDDED_PG_PORT: vars.port(54329),
      HOST: z.string().default('127.0.0.1'),
      PORT: vars.port(4000),
      TENANT_PORT: vars.port(4001),
      IDENTITY_PORT: vars.port(4002),
      USAGE_PORT: vars.port(4003),
      AUDIT_PORT: vars.port(4004),
      CONTEXT_SIGNING_KEY: optional(vars.jwkJson),
      CONTEXT_VERIFY_KEY: optional(vars.jwkJson),
      ACCESS_TOKEN_SIGNING_KEY: optional(vars.jwkJson),
      MASTER_KEY: optional(vars.masterKey),
      MASTER_KEY_PREVIOUS: optional(vars.masterKey),
      AUDIT_SIGNING_KEY: optional(vars.jwkJson),
      /** Public JWKs (a JSON array) of earlier audit keys: `audit verify` checks what they signed. */
      AUDIT_RETIRED_VERIFY_KEYS: vars.jwkArrayJson,
      MIGRATE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
      SEED_DEMO: z.enum(['true', 'false']).default('true'),
    },
    env,
  );
  if (config.NODE_ENV === 'production') {
    const missing = (
      ['DATABASE_URL', 'CONTEXT_SIGNING_KEY', 'CONTEXT_VERIFY_KEY', 'ACCESS_TOKEN_SIGNING_KEY', 'MASTER_KEY', 'AUDIT_SIGNING_KEY'] as const
    )
      .filter((name) => config[name] === undefined)
      .map((name) => `${name}: required when NODE_ENV=production (see README, "Production secrets")`);
    if (missing.length > 0) throw new ConfigError(missing);
  }
  return { ...config, production: config.NODE_ENV === 'production' };
}
