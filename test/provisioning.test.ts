import { randomUUID } from 'node:crypto';
import { tenantMigrations, type TenantMigration } from '@tenantry/migrations';
import { TENANT_GROUP_ROLE, provisionTenant, tenantGatedRoleName, tenantSchemaName } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase } from '@tenantry/testing';

/** Every table the tenant migrations create, in every tenant schema. */
const TENANT_TABLES = [
  'audit_chain_head',
  'audit_checkpoints',
  'audit_events',
  'audit_purges',
  'invitations',
  'settings',
  'usage_alerts',
  'usage_counters',
  'usage_events',
  'usage_leases',
  'usage_rollup_watermarks',
  'usage_rollups',
];

const failingLastMigration: TenantMigration = { id: '9999-fails', owner: 'tenant', up: () => 'SELECT 1/0' };

describe('provisioning a tenant', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 8 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** What exists in the database for a tenant id, whatever provisioning did or did not do. */
  async function footprint(tenantId: string) {
    const compact = tenantId.replace(/-/g, '');
    const [registry, schemas, roles] = await Promise.all([
      db.dataSource.query(`SELECT id FROM platform.tenants WHERE id = $1`, [tenantId]) as Promise<unknown[]>,
      db.dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname = $1`, [`tenant_${compact}`]) as Promise<unknown[]>,
      // The role is named _rw while the tenant is active, _gated otherwise (ADR 0029).
      db.dataSource.query(`SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2)`, [
        `tenant_${compact}_rw`,
        `tenant_${compact}_gated`,
      ]) as Promise<unknown[]>,
    ]);
    return { registryRows: registry.length, schemas: schemas.length, roles: roles.length };
  }

  const nothing = { registryRows: 0, schemas: 0, roles: 0 };

  it('creates the registry row, schema, role, every tenant table and records the latest schema version', async () => {
    const id = randomUUID();
    const slug = `acme-${id.slice(0, 8)}`;

    const result = await provisionTenant(db.dataSource, { id, slug, name: 'Acme', plan: 'pro', status: 'trial' });

    const compact = id.replace(/-/g, '');
    expect(result).toEqual({ schema: `tenant_${compact}`, applied: tenantMigrations.map((m) => m.id) });
    expect(tenantSchemaName(id)).toMatch(/^tenant_[0-9a-f]{32}$/);

    const [row] = await db.dataSource.query(`SELECT slug, name, plan, status, schema_version FROM platform.tenants WHERE id = $1`, [id]);
    expect(row).toEqual({ slug, name: 'Acme', plan: 'pro', status: 'trial', schema_version: tenantMigrations.length });

    const schemas = await db.dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname = $1`, [`tenant_${compact}`]);
    expect(schemas).toEqual([{ nspname: `tenant_${compact}` }]);

    const roles = await db.dataSource.query(
      `SELECT rolname, rolcanlogin, pg_has_role(rolname, $2, 'MEMBER') AS in_group FROM pg_roles WHERE rolname = $1`,
      [`tenant_${compact}_gated`, TENANT_GROUP_ROLE],
    );
    // A trial tenant: its role has the gated name (ADR 0029).
    expect(roles).toEqual([{ rolname: tenantGatedRoleName(id), rolcanlogin: false, in_group: true }]);

    const tables: { table_name: string }[] = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [`tenant_${compact}`],
    );
    expect(tables.map((t) => t.table_name)).toEqual(TENANT_TABLES);
  });

  it('leaves nothing behind when the last tenant migration fails', async () => {
    const id = randomUUID();

    const attempt = provisionTenant(
      db.dataSource,
      { id, slug: `broken-${id.slice(0, 8)}`, name: 'Broken' },
      { migrations: [...tenantMigrations, failingLastMigration] },
    );

    await expect(attempt).rejects.toThrow(/division by zero/);
    expect(await footprint(id)).toEqual(nothing);
  });

  it('leaves nothing behind when beforeCommit throws', async () => {
    const id = randomUUID();

    const attempt = provisionTenant(
      db.dataSource,
      { id, slug: `hook-${id.slice(0, 8)}`, name: 'Hook fails' },
      {
        beforeCommit: async () => {
          throw new Error('first owner could not be added');
        },
      },
    );

    await expect(attempt).rejects.toThrow('first owner could not be added');
    expect(await footprint(id)).toEqual(nothing);
  });

  it('refuses a duplicate slug with CONFLICT and creates no second schema or role', async () => {
    const existing = await createTenant(db.dataSource);
    const id = randomUUID();

    const attempt = provisionTenant(db.dataSource, { id, slug: existing.slug, name: 'Copycat' });

    await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT', extensions: { code: 'CONFLICT', field: 'slug' } });
    expect(await footprint(id)).toEqual(nothing);
    expect(await footprint(existing.id)).toEqual({ registryRows: 1, schemas: 1, roles: 1 });
  });

  it('provisions 20 tenants concurrently, each in its own schema', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());

    const results = await Promise.all(
      ids.map((id, i) => provisionTenant(db.dataSource, { id, slug: `crowd-${i}-${id.slice(0, 8)}`, name: `Crowd ${i}` })),
    );

    expect(new Set(results.map((r) => r.schema)).size).toBe(20);
    const rows: { id: string; schema_version: number; tables: string }[] = await db.dataSource.query(
      `SELECT t.id, t.schema_version,
              (SELECT count(*) FROM information_schema.tables i
                WHERE i.table_schema = 'tenant_' || replace(t.id::text, '-', '')) AS tables
         FROM platform.tenants t WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(row).toEqual({ id: row.id, schema_version: tenantMigrations.length, tables: String(TENANT_TABLES.length) });
    }
  });
});
