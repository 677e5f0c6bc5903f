import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import type { TenantEntity } from './tenant/tenant.entity';
import { createTenantLoader } from './tenant/tenant.loader';
import { TenantService } from './tenant/tenant.service';

export interface TenantContext extends BaseSubgraphContext {
  tenants: TenantService;
  tenantById: DataLoader<string, TenantEntity | null>;
}

export function createTenantContext(base: BaseSubgraphContext, dataSource: DataSource): TenantContext {
  const tenants = new TenantService(dataSource, new RequestDatabase(dataSource, base.tenantId));
  return { ...base, tenants, tenantById: createTenantLoader(tenants) };
}
