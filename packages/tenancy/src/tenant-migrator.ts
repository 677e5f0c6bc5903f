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
  // Callers hold the registry row locked, so the role cannot be renamed while migrations grant to it.
  const role = quoteIdent((await findTenantRole(runner, tenantId)) ?? tenantRoleName(tenantId));
  await runner.query(`SELECT set_config('search_path', $1, true)`, [`${schema}, ${PLATFORM_SCHEMA}`]);
  const pending = migrations.slice(from);
  for (const migration of pending) {
    await runner.query(migration.up({ schema, role }));
  }
  await runner.query(`UPDATE ${PLATFORM_SCHEMA}.tenants SET schema_version = $2 WHERE id = $1`, [tenantId, migrations.length]);
  return pending.map((m) => m.id);
}

/** The tenant role's current name: `_rw` or `_gated`, which follows the tenant's status (ADR 0029); null if it has none. */
export async function findTenantRole(db: Pick<QueryRunner, 'query'>, tenantId: string): Promise<string | null> {
  const [found] = (await db.query(`SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2)`, [
    tenantRoleName(tenantId),
    tenantGatedRoleName(tenantId),
  ])) as { rolname: string }[];
  return found?.rolname ?? null;
}
