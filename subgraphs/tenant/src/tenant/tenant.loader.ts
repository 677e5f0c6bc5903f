import DataLoader from 'dataloader';
import type { EffectiveQuota, PlanService } from '../plan/plan.service';
import type { TenantEntity } from './tenant.entity';
import type { TenantService } from './tenant.service';

/** One query per request for every tenant a federated plan asks this subgraph to resolve. */
export function createTenantLoader(service: TenantService): DataLoader<string, TenantEntity | null> {
  return new DataLoader(async (ids) => {
    const rows = await service.findByIds(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Effective quotas of every tenant on a page, in one query. */
export function createQuotaLoader(plans: PlanService): DataLoader<string, EffectiveQuota[]> {
  return new DataLoader(async (ids) => {
    const rows = await plans.quotasOf(ids);
    return ids.map((id) => rows.filter((r) => r.tenantId === id));
  });
}

/** Effective features of every tenant on a page, in one query. */
export function createFeatureLoader(plans: PlanService): DataLoader<string, string[]> {
  return new DataLoader(async (ids) => {
    const byId = await plans.featuresOf(ids);
    return ids.map((id) => byId.get(id) ?? []);
  });
}

/** Direct children of every tenant on a page, in one query. */
export function createChildrenLoader(service: TenantService): DataLoader<string, TenantEntity[]> {
  return new DataLoader(async (ids) => {
    const rows = await service.findChildren(ids);
    return ids.map((id) => rows.filter((r) => r.parentId === id));
  });
}
