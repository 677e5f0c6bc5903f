import { z } from 'zod';
import { loadConfig, vars } from '@tenantry/config';

export type UsageSubgraphConfig = ReturnType<typeof loadUsageSubgraphConfig>;

const thresholds = z
  .string()
  .default('0.8,0.95')
  .transform((v) => v.split(',').map((t) => Number(t.trim())))
  .refine((ts) => ts.length > 0 && ts.every((t) => Number.isFinite(t) && t > 0 && t <= 1), 'must be fractions in (0, 1], e.g. 0.8,0.95');

export function loadUsageSubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig(
    {
      ...vars.subgraphShape,
      USAGE_PORT: vars.port(4003),
      /** Fractions of a limit whose crossing raises an alert, once per period and resource. */
      USAGE_ALERT_THRESHOLDS: thresholds,
      /** Set: quota consumes take the Redis lease fast path and alerts are also published there. */
      REDIS_URL: vars.redisUrl.optional(),
      /** Prefix of every Redis key and channel the usage subgraph uses. */
      USAGE_REDIS_PREFIX: z.string().min(1).default('tenantry:usage:'),
      /** Units PostgreSQL leases to Redis at a time, per counter (ADR 0020). */
      USAGE_LEASE_UNITS: z.coerce.number().int().min(1).max(1_000_000).default(100),
      /** How long a lease lives before its unused units are given back. */
      USAGE_LEASE_TTL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
      /** How often expired leases are settled and closed buckets rolled up; 0 turns the job off. */
      USAGE_ROLLUP_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
      /** A bucket is rolled up only this long after it closes, so in-flight consumes are in it. */
      USAGE_ROLLUP_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
    },
    env,
  );
}
