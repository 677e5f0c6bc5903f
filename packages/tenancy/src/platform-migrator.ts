import type { DataSource } from 'typeorm';
import { platformMigrations as allPlatformMigrations, type PlatformMigration } from '@tenantry/migrations';
import { PLATFORM_SCHEMA, TENANT_GROUP_ROLE, quoteIdent } from './naming';
import { inTransaction } from './unit-of-work';

/** Key for the advisory lock that serialises concurrent `migrate` runs on one database. */
const MIGRATE_LOCK_KEY = 7_411_031;

/**
 * Brings the `platform` schema to the latest version in one transaction, under an advisory
 * lock so two processes starting at once do not race. Returns the ids it applied.
 */
export async function migratePlatform(
  dataSource: DataSource,
  migrations: readonly PlatformMigration[] = allPlatformMigrations,
): Promise<string[]> {
  const applied = await inTransaction(dataSource, async (runner) => {
    await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK_KEY]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${PLATFORM_SCHEMA}`);
    await runner.query(`SELECT set_config('search_path', $1, true)`, [PLATFORM_SCHEMA]);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS ${PLATFORM_SCHEMA}.schema_migrations (
        id text PRIMARY KEY,
        owner text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Roles are cluster-wide: another database on the same server may have created it already.
    await runner.query(`
      DO $$ BEGIN
        CREATE ROLE ${quoteIdent(TENANT_GROUP_ROLE)} NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await runner.query(`GRANT USAGE ON SCHEMA ${PLATFORM_SCHEMA} TO ${quoteIdent(TENANT_GROUP_ROLE)}`);

    const rows: { id: string }[] = await runner.query(`SELECT id FROM ${PLATFORM_SCHEMA}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.id));
    const pending = migrations.filter((m) => !applied.has(m.id));
    for (const migration of pending) {
      await runner.query(migration.up({ tenantGroupRole: quoteIdent(TENANT_GROUP_ROLE) }));
      await runner.query(`INSERT INTO ${PLATFORM_SCHEMA}.schema_migrations (id, owner) VALUES ($1, $2)`, [migration.id, migration.owner]);
    }
    return pending.map((m) => m.id);
  });
  await repairTenantRoleNames(dataSource);
  return applied;
}

/**
 * The tenant switch trusts a tenant role's name to say whether the tenant is active (ADR 0029);
 * a trigger keeps it so. Every migrate run also renames any role whose name disagrees with its
 * tenant's status (a role renamed by hand, roles restored from another time), each tenant in its
 * own transaction, so the invariant never depends on the trigger alone. One that cannot be put
 * right (both names exist) is reported by name after the others are done: migrate fails loudly
 * rather than leave a tenant that is not active under the name that skips the status read.
 */
async function repairTenantRoleNames(dataSource: DataSource): Promise<void> {
  const [{ installed }] = (await dataSource.query(
    `SELECT to_regprocedure('${PLATFORM_SCHEMA}.sync_tenant_role_name(uuid)') IS NOT NULL AS installed`,
  )) as { installed: boolean }[];
  if (!installed) return;
  const drifted = (await dataSource.query(`
    SELECT t.id
      FROM ${PLATFORM_SCHEMA}.tenants t
     WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.rolname = 'tenant_' || replace(t.id::text, '-', '') || CASE WHEN t.status = 'active' THEN '_gated' ELSE '_rw' END)`)) as {
    id: string;
  }[];
  const failures: string[] = [];
  for (const { id } of drifted) {
    await dataSource.query(`SELECT ${PLATFORM_SCHEMA}.sync_tenant_role_name($1)`, [id]).catch((error: Error) => {
      failures.push(`tenant ${id}: ${error.message}`);
    });
  }
  if (failures.length > 0)
    throw new Error(`Tenant role names that disagree with the status could not be repaired:\n${failures.join('\n')}`);
}
