import type { SubgraphDefinition } from '@tenantry/federation';
import { mapTenantErrors } from './errors';
import { tenantRules } from './permissions';
import { resolveTenantReference } from './tenant/tenant.reference';
import { TenantResolver } from './tenant/tenant.resolver';

export const tenantSubgraphDefinition: SubgraphDefinition = {
  resolvers: [TenantResolver],
  references: { Tenant: { __resolveReference: resolveTenantReference } },
  rules: tenantRules,
  mapError: mapTenantErrors,
};
