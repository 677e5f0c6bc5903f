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
    },
    env,
  );
}
