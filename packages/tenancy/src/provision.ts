import type { DataSource, EntityManager } from 'typeorm';
import { tenantMigrations as allTenantMigrations, type TenantMigration } from '@tenantry/migrations';
import { BadUserInputError, ConflictError } from '@tenantry/errors';
import { provisionDuration, secondsSince } from '@tenantry/metrics';
import { PLATFORM_SCHEMA, TENANT_GROUP_ROLE, assertTenantId, quoteIdent, tenantRoleName, tenantSchemaName } from './naming';
import { applyTenantMigrations, findTenantRole } from './tenant-migrator';
import { inTransaction, pgCode, pgConstraint } from './unit-of-work';

export interface NewTenant {
  id: string;
  slug: string;
  name: string;
  plan?: string;
  status?: 'trial' | 'active';
  dataResidency?: 'us' | 'eu' | 'uk' | 'ca' | 'au';
  parentId?: string | null;
  adminEmail?: string | null;
  billingEmail?: string | null;
  phone?: string | null;
  timezone?: string;
  locale?: string;
  trialEndsAt?: Date | null;
}

export interface ProvisionOptions {
  /** Defaults to every subgraph's tenant migrations. */
  migrations?: readonly TenantMigration[];
  /**
   * Runs last, in the same transaction, with platform then the new tenant schema on the
   * search_path: the place for the first owner's membership and the audit event.
   */
  beforeCommit?: (manager: EntityManager) => Promise<void>;
}

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';

/**
 * Creates a tenant completely or not at all: registry row, role, schema, every tenant
 * migration and whatever `beforeCommit` adds, in ONE transaction (PostgreSQL DDL, including
 * CREATE ROLE, is transactional).
 */
export async function provisionTenant(
  dataSource: DataSource,
  tenant: NewTenant,
  options: ProvisionOptions = {},
): Promise<{ schema: string; applied: string[] }> {
  const id = assertTenantId(tenant.id);
  const schema = tenantSchemaName(id);
  const role = tenantRoleName(id);
  const migrations = options.migrations ?? allTenantMigrations;
  const started = process.hrtime.bigint();
  let outcome = 'error';
  try {
    const result = await inTransaction(dataSource, async (runner) => {
      await runner.query(
        `INSERT INTO ${PLATFORM_SCHEMA}.tenants
           (id, slug, name, plan, status, schema_version, data_residency, parent_id, admin_email, billing_email, phone, timezone, locale, trial_ends_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          tenant.slug,
          tenant.name,
          tenant.plan ?? 'free',
          tenant.status ?? 'active',
          tenant.dataResidency ?? 'us',
          tenant.parentId ?? null,
          tenant.adminEmail ?? null,
          tenant.billingEmail ?? null,
          tenant.phone ?? null,
          tenant.timezone ?? 'UTC',
          tenant.locale ?? 'en-US',
          tenant.trialEndsAt ?? null,
        ],
      );
      // Created as _rw, which the migrations below grant to; a trigger on the registry row renames
      // it to _gated at COMMIT if the tenant does not start active (ADR 0029).
      await runner.query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN IN ROLE ${quoteIdent(TENANT_GROUP_ROLE)}`);
      const [{ rolsuper }] = (await runner.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')) as {
        rolsuper: boolean;
      }[];
      // Outside superuser setups the login role needs membership to SET ROLE to the tenant.
      if (!rolsuper) await runner.query(`GRANT ${quoteIdent(role)} TO CURRENT_USER`);
      await runner.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      await runner.query(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}`);
      const applied = await applyTenantMigrations(runner, id, migrations, 0);
      if (options.beforeCommit) await options.beforeCommit(runner.manager);
      return { schema, applied };
    });
    outcome = 'ok';
    return result;
  } catch (error) {
    if (pgCode(error) === UNIQUE_VIOLATION && pgConstraint(error) === 'tenants_slug_key') {
      throw new ConflictError('A tenant with this slug already exists', { field: 'slug' });
    }
    if (pgCode(error) === UNIQUE_VIOLATION && pgConstraint(error) === 'tenants_pkey') {
      throw new ConflictError('A tenant with this id already exists', { field: 'id' });
    }
    if (pgCode(error) === CHECK_VIOLATION && pgConstraint(error)?.startsWith('tenants_')) {
      throw new BadUserInputError('Tenant fields are invalid', { constraint: pgConstraint(error) });
    }
    throw error;
  } finally {
    provisionDuration.observe({ outcome }, secondsSince(started));
  }
}

/**
 * The reverse of provisioning, inside the caller's transaction: drops the tenant's schema (every
 * table in it) and its role. Idempotent: a second run finds nothing to drop. Names come from the
 * validated id alone, like everywhere else DDL is written.
 */
export async function dropTenantStorage(
  manager: EntityManager,
  tenantId: string,
): Promise<{ schemaDropped: boolean; roleDropped: boolean }> {
  const id = assertTenantId(tenantId);
  const schema = tenantSchemaName(id);
  const [{ schema_exists: schemaExists }] = (await manager.query(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists`,
    [schema],
  )) as { schema_exists: boolean }[];
  const role = await findTenantRole(manager, id);
  if (schemaExists) await manager.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
  if (role !== null) {
    // Grants the role still holds elsewhere in this database (none by design) would block DROP ROLE.
    await manager.query(`DROP OWNED BY ${quoteIdent(role)}`);
    await manager.query(`DROP ROLE ${quoteIdent(role)}`);
  }
  return { schemaDropped: schemaExists, roleDropped: role !== null };
}
