import type { EntityManager } from 'typeorm';
import type { PlanCatalog, ResourcePeriod } from '@tenantry/plans';
import { QuotaDomainError, QuotaErrorCode } from './quota.errors';

export interface ResourceLimit {
  resource: string;
  period: ResourcePeriod;
  /** null: unlimited on this plan. */
  limit: number | null;
}

/**
 * The tenant's limit for a resource, from its plan in the catalog. Read inside the tenant
 * transaction: RLS lets the tenant role see only its own registry row.
 */
export async function resourceLimits(manager: EntityManager, catalog: PlanCatalog, resources?: string[]): Promise<ResourceLimit[]> {
  const rows: { plan: string }[] = await manager.query('SELECT plan FROM platform.tenants WHERE id = platform.current_tenant_id()');
  const planCode = rows[0]?.plan;
  const plan = catalog.plans.find((p) => p.code === planCode);
  if (!plan) throw new Error(`tenant's plan ${planCode ?? '(none)'} is not in the catalog`);
  const wanted = resources ?? Object.keys(catalog.resources);
  return wanted.map((resource) => {
    const declared = catalog.resources[resource];
    if (!declared) throw new QuotaDomainError(QuotaErrorCode.UNKNOWN_RESOURCE, `Unknown resource ${resource}`);
    const quota = plan.quotas[resource];
    // A resource the plan does not list is not included in it.
    return { resource, period: declared.period, limit: quota === undefined ? 0 : quota };
  });
}
