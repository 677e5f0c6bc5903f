import type { PlatformMigration, TenantMigration } from './migration';
import { tenantPlatformMigrations } from './tenant/platform';
import { tenantTenantMigrations } from './tenant/tenant';
import { identityPlatformMigrations } from './identity/platform';
import { identityTenantMigrations } from './identity/tenant';
import { usageTenantMigrations } from './usage/tenant';
import { auditTenantMigrations } from './audit/tenant';
import { usageQuotaTenantMigrations } from './usage/tenant-quota';
import { auditPlatformMigrations } from './audit/platform';
import { usageLeaseRollupTenantMigrations } from './usage/tenant-leases-rollups';

export * from './migration';

function inOrder<M extends { id: string }>(migrations: M[]): M[] {
  const sorted = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  const ids = new Set(sorted.map((m) => m.id));
  if (ids.size !== sorted.length) throw new Error('Duplicate migration id');
  return sorted;
}

/** Every subgraph's platform migrations, in the order they run. */
export const platformMigrations: readonly PlatformMigration[] = inOrder([
  ...tenantPlatformMigrations,
  ...identityPlatformMigrations,
  ...auditPlatformMigrations,
]);

/** Every subgraph's tenant migrations, in the order they run in each tenant schema. */
export const tenantMigrations: readonly TenantMigration[] = inOrder([
  ...usageTenantMigrations,
  ...auditTenantMigrations,
  ...usageQuotaTenantMigrations,
  ...identityTenantMigrations,
  ...tenantTenantMigrations,
  ...usageLeaseRollupTenantMigrations,
]);
