import type { PlanCatalog } from './index';

/** Anything that runs parameterised SQL (a TypeORM DataSource, EntityManager or QueryRunner). */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Makes platform.plans, platform.plan_resources and platform.lifecycle_policy match the
 * catalog, in one transaction-safe batch of upserts: running it twice changes nothing, and a
 * plan dropped from the file is marked retired (tenants may still be on it), never deleted.
 */
export async function syncPlanCatalog(db: Queryable, catalog: PlanCatalog): Promise<void> {
  await db.query(
    `INSERT INTO platform.plan_resources (code, period, unit)
     SELECT r.code, r.period, r.unit FROM jsonb_to_recordset($1::jsonb) AS r(code text, period text, unit text)
     ON CONFLICT (code) DO UPDATE SET period = EXCLUDED.period, unit = EXCLUDED.unit`,
    [JSON.stringify(Object.entries(catalog.resources).map(([code, r]) => ({ code, ...r })))],
  );
  const plans = catalog.plans.map((plan, position) => ({
    code: plan.code,
    name: plan.name,
    price_cents: plan.priceCents,
    quotas: plan.quotas,
    overage_cents: plan.overageCents,
    features: plan.features,
    retention_days: catalog.retentionDays[plan.code],
    position,
  }));
  await db.query(
    `INSERT INTO platform.plans (code, name, price_cents, quotas, overage_cents, features, retention_days, position, retired, updated_at)
     SELECT p.code, p.name, p.price_cents, p.quotas, p.overage_cents,
            ARRAY(SELECT jsonb_array_elements_text(p.features)), p.retention_days, p.position, false, now()
       FROM jsonb_to_recordset($1::jsonb)
         AS p(code text, name text, price_cents integer, quotas jsonb, overage_cents jsonb, features jsonb, retention_days integer, position integer)
     ON CONFLICT (code) DO UPDATE SET
       name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, quotas = EXCLUDED.quotas,
       overage_cents = EXCLUDED.overage_cents, features = EXCLUDED.features,
       retention_days = EXCLUDED.retention_days, position = EXCLUDED.position, retired = false,
       updated_at = CASE WHEN (plans.name, plans.price_cents, plans.quotas, plans.overage_cents, plans.features, plans.retention_days, plans.position, plans.retired)
                           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.price_cents, EXCLUDED.quotas, EXCLUDED.overage_cents, EXCLUDED.features, EXCLUDED.retention_days, EXCLUDED.position, false)
                         THEN now() ELSE plans.updated_at END`,
    [JSON.stringify(plans)],
  );
  await db.query(`UPDATE platform.plans SET retired = true, updated_at = now() WHERE NOT retired AND code <> ALL($1::text[])`, [
    catalog.plans.map((p) => p.code),
  ]);
  await db.query(
    `INSERT INTO platform.lifecycle_policy (singleton, trial_days, trial_expires_to) VALUES (true, $1, $2)
     ON CONFLICT (singleton) DO UPDATE SET trial_days = EXCLUDED.trial_days, trial_expires_to = EXCLUDED.trial_expires_to`,
    [catalog.trial.days, catalog.trial.onExpiry],
  );
}
