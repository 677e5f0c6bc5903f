import type DataLoader from 'dataloader';
import DataLoaderImpl from 'dataloader';
import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import { ApiClientService } from './api-client/api-client.service';
import { BrandingService, type Branding } from './branding/branding.service';
import { DomainService, type DnsResolver, type DomainRow } from './domain/domain.service';
import { PlanService, type EffectiveQuota } from './plan/plan.service';
import type { MasterKeyring } from './setting/envelope';
import { SettingService } from './setting/setting.service';
import type { TenantEntity } from './tenant/tenant.entity';
import { createChildrenLoader, createFeatureLoader, createQuotaLoader, createTenantLoader } from './tenant/tenant.loader';
import { TenantService } from './tenant/tenant.service';

export interface TenantContext extends BaseSubgraphContext {
  dataSource: DataSource;
  db: RequestDatabase;
  tenants: TenantService;
  plans: PlanService;
  settings: SettingService;
  branding: BrandingService;
  brandingByTenant: DataLoader<string, Branding>;
  domains: DomainService;
  domainsByTenant: DataLoader<string, DomainRow[]>;
  tenantById: DataLoader<string, TenantEntity | null>;
  childrenByTenant: DataLoader<string, TenantEntity[]>;
  quotasByTenant: DataLoader<string, EffectiveQuota[]>;
  featuresByTenant: DataLoader<string, string[]>;
  features: () => Promise<ReadonlySet<string>>;
  apiClients: ApiClientService;
}

export function createTenantContext(
  base: BaseSubgraphContext,
  dataSource: DataSource,
  keyring: MasterKeyring,
  dns: DnsResolver,
): TenantContext {
  const db = new RequestDatabase(dataSource, base.tenantId);
  const tenants = new TenantService(dataSource, db);
  const plans = new PlanService(dataSource, db);
  const branding = new BrandingService(db);
  const domains = new DomainService(db, dns);
  return {
    ...base,
    dataSource,
    db,
    tenants,
    plans,
    settings: new SettingService(db, keyring),
    domains,
    domainsByTenant: new DataLoaderImpl(async (ids: readonly string[]) => {
      const rows = await domains.of(ids);
      return ids.map((id) => rows.filter((r) => r.tenant_id === id));
    }),
    branding,
    brandingByTenant: new DataLoaderImpl(async (ids: readonly string[]) => {
      const byId = await branding.of(ids);
      return ids.map((id) => byId.get(id)!);
    }),
    tenantById: createTenantLoader(tenants),
    childrenByTenant: createChildrenLoader(tenants),
    quotasByTenant: createQuotaLoader(plans),
    featuresByTenant: createFeatureLoader(plans),
    features: () => db.features(),
    apiClients: new ApiClientService(db),
  };
}
