import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const CATALOG_PATH = path.resolve(__dirname, '../../../config/plans.json');

const resourceCode = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);

const catalogSchema = z.object({
  resources: z.record(resourceCode, z.object({ period: z.enum(['absolute', 'hour', 'day', 'month']), unit: z.string() })),
  plans: z
    .array(
      z.object({
        code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
        name: z.string().min(1),
        priceCents: z.number().int().min(0),
        quotas: z.record(resourceCode, z.number().int().min(0).nullable()),
        overageCents: z.record(resourceCode, z.number().min(0)),
        features: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/)),
      }),
    )
    .min(1),
  retentionDays: z.record(z.string(), z.number().int().min(1)),
  /** How long a trial lasts and what an expired trial becomes (enforced at read time, applied by a job). */
  trial: z
    .object({ days: z.number().int().min(1).max(365), onExpiry: z.enum(['active', 'suspended', 'cancelled']) })
    .default({ days: 14, onExpiry: 'suspended' }),
});

export type PlanCatalog = z.infer<typeof catalogSchema>;
export type Plan = PlanCatalog['plans'][number];
export type ResourcePeriod = PlanCatalog['resources'][string]['period'];

/**
 * The plan catalog from config/plans.json, validated: every quota names a declared resource
 * and every plan has a retention period. A bad file fails loudly at start-up.
 */
export function loadPlanCatalog(file = CATALOG_PATH): PlanCatalog {
  const catalog = catalogSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const plan of catalog.plans) {
    if (codes.has(plan.code)) problems.push(`plan ${plan.code} is declared twice`);
    codes.add(plan.code);
    for (const resource of [...Object.keys(plan.quotas), ...Object.keys(plan.overageCents)]) {
      if (!catalog.resources[resource]) problems.push(`plan ${plan.code} names undeclared resource ${resource}`);
    }
    if (catalog.retentionDays[plan.code] === undefined) problems.push(`plan ${plan.code} has no retentionDays`);
  }
  if (problems.length) throw new Error(`Invalid plan catalog ${file}:\n  - ${problems.join('\n  - ')}`);
  return catalog;
}

export * from './sync';
