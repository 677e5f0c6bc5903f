import type { SubgraphDefinition } from '@tenantry/federation';
import { mapTenantErrors } from './errors';
import { ApiClientResolver } from './api-client/api-client.resolver';
import { BrandingResolver } from './branding/branding.resolver';
import { DomainResolver } from './domain/domain.resolver';
import { PlanResolver } from './plan/plan.resolver';
import { SettingResolver } from './setting/setting.resolver';
import { resolveTenantReference } from './tenant/tenant.reference';
import { TenantResolver } from './tenant/tenant.resolver';

export const tenantSubgraphDefinition: SubgraphDefinition = {
  resolvers: [TenantResolver, PlanResolver, SettingResolver, BrandingResolver, DomainResolver, ApiClientResolver],
  references: { Tenant: { __resolveReference: resolveTenantReference } },
  mapError: mapTenantErrors,
};
