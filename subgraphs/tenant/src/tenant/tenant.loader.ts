import DataLoader from 'dataloader';
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
