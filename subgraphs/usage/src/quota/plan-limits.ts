import type { EntityManager } from 'typeorm';
import type { ResourcePeriod } from '@tenantry/plans';
import { QuotaDomainError, QuotaErrorCode } from './quota.errors';

export interface ResourceLimit {
  resource: string;
  period: ResourcePeriod;
  /** null: unlimited for this tenant. */
  limit: number | null;
}

interface LimitRow {
  resource: string;
  period: ResourcePeriod;
  quota: string | null;
  included: boolean;
}

/**
 * The tenant's effective limits: its plan's quota for each resource (from the catalog synced
 * into platform.plans), replaced by a per-tenant override where there is one (NULL there
 * means unlimited). Read inside the tenant transaction, so RLS shows only this tenant's rows;
 * one query whatever the number of resources.
 */
export async function resourceLimits(manager: EntityManager, resources?: string[]): Promise<ResourceLimit[]> {
  const rows: LimitRow[] = await manager.query(
    `SELECT r.code AS resource, r.period,
            CASE WHEN o.resource IS NOT NULL THEN o.quota ELSE (p.quotas ->> r.code)::bigint END AS quota,
            (o.resource IS NOT NULL OR p.quotas ? r.code) AS included
       FROM platform.tenants t
       JOIN platform.plans p ON p.code = t.plan
       CROSS JOIN platform.plan_resources r
       LEFT JOIN platform.tenant_quota_overrides o ON o.tenant_id = t.id AND o.resource = r.code
      WHERE t.id = platform.current_tenant_id() AND ($1::text[] IS NULL OR r.code = ANY ($1::text[]))
      ORDER BY r.code`,
    [resources ?? null],
  );
  if (rows.length === 0 && (await manager.query('SELECT 1 FROM platform.plan_resources LIMIT 1')).length === 0) {
    throw new Error('platform.plan_resources is empty: the plan catalog was never synced (run migrate)');
  }
  const found = new Map(rows.map((r) => [r.resource, r]));
  return (resources ?? rows.map((r) => r.resource)).map((resource) => {
    const row = found.get(resource);
    if (!row) throw new QuotaDomainError(QuotaErrorCode.UNKNOWN_RESOURCE, `Unknown resource ${resource}`);
    // A resource the plan does not list is not included in it.
    return { resource, period: row.period, limit: !row.included ? 0 : row.quota === null ? null : Number(row.quota) };
  });
}
