import { tenantMigrations, type TenantMigration } from '@tenantry/migrations';

/** A realistic pending additive migration: a new nullable column and an index. */
export const ADDITIVE_MIGRATION: TenantMigration = {
  id: '9000-bench-usage-note',
  owner: 'usage',
  up: () => `ALTER TABLE usage_counters ADD COLUMN note text; CREATE INDEX usage_counters_updated_idx ON usage_counters (updated_at);`,
};

export const WITH_PENDING: TenantMigration[] = [...tenantMigrations, ADDITIVE_MIGRATION];
