import type { QueryRunner } from 'typeorm';
import type { TenantMigration } from '@tenantry/migrations';
import { PLATFORM_SCHEMA, quoteIdent, tenantGatedRoleName, tenantRoleName, tenantSchemaName } from './naming';

/**
 * Applies tenant migrations [from, migrations.length) inside the caller's transaction, with
 * search_path on the tenant schema so unqualified names land there. Used both by
 * provisioning (from 0) and by migrate-all (from the recorded version).
 */
export async function applyTenantMigrations(
  runner: QueryRunner,
  tenantId: string,
  migrations: readonly TenantMigration[],
  from: number,
): Promise<string[]> {
  const schema = quoteIdent(tenantSchemaName(tenantId));
  // The role's name follows the tenant's status (ADR 0029); callers hold the registry row locked,
  // so it cannot be renamed while the migrations grant to it.
  const [found] = (await runner.query(`SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2)`, [
    tenantRoleName(tenantId),
    tenantGatedRoleName(tenantId),
  ])) as { rolname: string }[];
  const role = quoteIdent(found?.rolname ?? tenantRoleName(tenantId));
  await runner.query(`SELECT set_config('search_path', $1, true)`, [`${schema}, ${PLATFORM_SCHEMA}`]);
  const pending = migrations.slice(from);
  for (const migration of pending) {
    await runner.query(migration.up({ schema, role }));
  }
  await runner.query(`UPDATE ${PLATFORM_SCHEMA}.tenants SET schema_version = $2 WHERE id = $1`, [tenantId, migrations.length]);
  return pending.map((m) => m.id);
}
