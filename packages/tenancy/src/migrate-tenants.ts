import type { DataSource } from 'typeorm';
import { tenantMigrations as allTenantMigrations, type TenantMigration } from '@tenantry/migrations';
import { tenantMigrationDuration } from '@tenantry/metrics';
import { PLATFORM_SCHEMA } from './naming';
import { applyTenantMigrations } from './tenant-migrator';
import { inTransaction } from './unit-of-work';

export type TenantMigrationOutcome =
  | { tenantId: string; status: 'migrated'; applied: string[]; attempts: number; ms: number }
  | { tenantId: string; status: 'up-to-date'; attempts: number; ms: number }
  | { tenantId: string; status: 'failed'; error: string; attempts: number; ms: number };

export interface MigrateTenantsOptions {
  migrations?: readonly TenantMigration[];
  /** How many tenants migrate at once (each holds one pooled connection). */
  concurrency?: number;
  /** Attempts per tenant before it is reported failed; the others go on regardless. */
  maxAttempts?: number;
  /** Only these tenants (default: every tenant behind the latest version). */
  tenantIds?: string[];
  onProgress?: (outcome: TenantMigrationOutcome, done: number, total: number) => void;
}

export interface MigrateTenantsReport {
  target: number;
  total: number;
  outcomes: TenantMigrationOutcome[];
  failed: TenantMigrationOutcome[];
}

/**
 * Brings every tenant schema behind the latest version up to it. Each tenant migrates in its
 * own transaction with its registry row locked, so a tenant is either fully at the new
 * version or untouched; a run that is killed resumes where it stopped, because the pending
 * set is read from `platform.tenants.schema_version` (an indexed scan, cheap with nothing pending).
 */
export async function migrateTenants(dataSource: DataSource, options: MigrateTenantsOptions = {}): Promise<MigrateTenantsReport> {
  const migrations = options.migrations ?? allTenantMigrations;
  const target = migrations.length;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);

  const rows: { id: string }[] = options.tenantIds
    ? await dataSource.query(`SELECT id FROM ${PLATFORM_SCHEMA}.tenants WHERE id = ANY($1::uuid[]) ORDER BY id`, [options.tenantIds])
    : // A purged tenant keeps a tombstone row but has no schema left to migrate.
      await dataSource.query(`SELECT id FROM ${PLATFORM_SCHEMA}.tenants WHERE schema_version <> $1 AND status <> 'purged' ORDER BY id`, [
        target,
      ]);

  const outcomes: TenantMigrationOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const tenantId = rows[next++]!.id;
      const outcome = await migrateOneWithRetry(dataSource, tenantId, migrations, maxAttempts);
      outcomes.push(outcome);
      tenantMigrationDuration.observe({ outcome: outcome.status }, outcome.ms / 1000);
      options.onProgress?.(outcome, outcomes.length, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return { target, total: rows.length, outcomes, failed: outcomes.filter((o) => o.status === 'failed') };
}

async function migrateOneWithRetry(
  dataSource: DataSource,
  tenantId: string,
  migrations: readonly TenantMigration[],
  maxAttempts: number,
): Promise<TenantMigrationOutcome> {
  const started = Date.now();
  let lastError = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const applied = await migrateOne(dataSource, tenantId, migrations);
      const ms = Date.now() - started;
      return applied.length > 0
        ? { tenantId, status: 'migrated', applied, attempts: attempt, ms }
        : { tenantId, status: 'up-to-date', attempts: attempt, ms };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return { tenantId, status: 'failed', error: lastError, attempts: maxAttempts, ms: Date.now() - started };
}

async function migrateOne(dataSource: DataSource, tenantId: string, migrations: readonly TenantMigration[]): Promise<string[]> {
  return inTransaction(dataSource, async (runner) => {
    const locked: { schema_version: number }[] = await runner.query(
      `SELECT schema_version FROM ${PLATFORM_SCHEMA}.tenants WHERE id = $1 FOR UPDATE`,
      [tenantId],
    );
    if (locked.length === 0) throw new Error('tenant no longer exists');
    const version = locked[0]!.schema_version;
    if (version > migrations.length) {
      throw new Error(`schema is at version ${version}, newer than this code's ${migrations.length}`);
    }
    if (version === migrations.length) return [];
    return applyTenantMigrations(runner, tenantId, migrations, version);
  });
}
