import { spawn } from 'node:child_process';
import path from 'node:path';
import { tenantMigrations, type TenantMigration } from '@tenantry/migrations';
import { migrateTenants, tenantSchemaName, withTenant, type MigrateTenantsReport } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase, type TestTenant } from '@tenantry/testing';

const REPO_ROOT = path.resolve(__dirname, '..');

const addNotes: TenantMigration = {
  id: '9000-add-notes',
  owner: 'tenant',
  up: ({ role }) => `CREATE TABLE notes (id int PRIMARY KEY); GRANT SELECT ON notes TO ${role}`,
};

/** Two statements: the first succeeds, the second fails where `notes` already exists. */
const addTagsThenNotes: TenantMigration = {
  id: '9000-add-tags-and-notes',
  owner: 'tenant',
  up: ({ role }) => `
    CREATE TABLE tags (id int PRIMARY KEY);
    CREATE TABLE notes (id int PRIMARY KEY);
    GRANT SELECT ON tags, notes TO ${role}`,
};

describe('migrating every tenant', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ poolSize: 6 });
  });
  afterEach(async () => {
    await db?.drop();
  });

  async function createTenants(count: number): Promise<TestTenant[]> {
    const tenants: TestTenant[] = [];
    for (let i = 0; i < count; i++) tenants.push(await createTenant(db.dataSource));
    return tenants;
  }

  async function schemaVersion(tenantId: string): Promise<number> {
    const [row] = await db.dataSource.query(`SELECT schema_version FROM platform.tenants WHERE id = $1`, [tenantId]);
    return row.schema_version;
  }

  async function tableExists(tenantId: string, table: string): Promise<boolean> {
    const [row] = await db.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${tenantSchemaName(tenantId)}.${table}`]);
    return row.present;
  }

  const byTenant = (report: MigrateTenantsReport) => [...report.outcomes].sort((a, b) => a.tenantId.localeCompare(b.tenantId));

  it('applies a new additive migration to every tenant, then finds nothing pending', async () => {
    const tenants = await createTenants(8);
    const migrations = [...tenantMigrations, addNotes];

    const report = await migrateTenants(db.dataSource, { migrations, concurrency: 3 });

    expect(report.target).toBe(tenantMigrations.length + 1);
    expect(report.total).toBe(8);
    expect(report.failed).toEqual([]);
    expect(byTenant(report)).toEqual(
      tenants
        .map((t) => ({ tenantId: t.id, status: 'migrated', applied: ['9000-add-notes'], attempts: 1, ms: expect.any(Number) }))
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    );
    for (const tenant of tenants) {
      expect(await schemaVersion(tenant.id)).toBe(tenantMigrations.length + 1);
      // The tenant's own role can read the new table: the GRANT landed too.
      await expect(withTenant(db.dataSource, tenant.id, (m) => m.query('SELECT count(*)::int AS n FROM notes'))).resolves.toEqual([
        { n: 0 },
      ]);
    }

    const rerun = await migrateTenants(db.dataSource, { migrations, concurrency: 3 });
    expect(rerun).toEqual({ target: tenantMigrations.length + 1, total: 0, outcomes: [], failed: [] });
  });

  it('reports a failing tenant after its attempts, migrates the others, and leaves the failing schema untouched', async () => {
    const tenants = await createTenants(5);
    const broken = tenants[2]!;
    await db.dataSource.query(`CREATE TABLE "${tenantSchemaName(broken.id)}".notes (id int)`);
    const migrations = [...tenantMigrations, addTagsThenNotes];

    const report = await migrateTenants(db.dataSource, { migrations, concurrency: 3, maxAttempts: 3 });

    expect(report.total).toBe(5);
    expect(report.failed).toEqual([
      { tenantId: broken.id, status: 'failed', error: 'relation "notes" already exists', attempts: 3, ms: expect.any(Number) },
    ]);
    const healthy = tenants.filter((t) => t !== broken);
    for (const tenant of healthy) {
      expect(report.outcomes).toContainEqual(expect.objectContaining({ tenantId: tenant.id, status: 'migrated' }));
      expect(await schemaVersion(tenant.id)).toBe(tenantMigrations.length + 1);
      expect(await tableExists(tenant.id, 'tags')).toBe(true);
    }
    expect(await schemaVersion(broken.id)).toBe(tenantMigrations.length);
    // The first statement of the failed migration was rolled back with the rest.
    expect(await tableExists(broken.id, 'tags')).toBe(false);
  });

  it('resumes with only the tenant that failed once its conflict is removed', async () => {
    const tenants = await createTenants(4);
    const broken = tenants[1]!;
    await db.dataSource.query(`CREATE TABLE "${tenantSchemaName(broken.id)}".notes (id int)`);
    const migrations = [...tenantMigrations, addTagsThenNotes];
    const first = await migrateTenants(db.dataSource, { migrations, concurrency: 3, maxAttempts: 1 });
    expect(first.failed.map((o) => o.tenantId)).toEqual([broken.id]);
    await db.dataSource.query(`DROP TABLE "${tenantSchemaName(broken.id)}".notes`);

    const rerun = await migrateTenants(db.dataSource, { migrations, concurrency: 3 });

    expect(rerun.total).toBe(1);
    expect(rerun.outcomes).toEqual([
      { tenantId: broken.id, status: 'migrated', applied: ['9000-add-tags-and-notes'], attempts: 1, ms: expect.any(Number) },
    ]);
    expect(await schemaVersion(broken.id)).toBe(tenantMigrations.length + 1);
    expect(await tableExists(broken.id, 'tags')).toBe(true);
    expect(await tableExists(broken.id, 'notes')).toBe(true);
  });

  it('reports a tenant whose schema is newer than the code as failed instead of skipping it', async () => {
    const [current, ahead] = await createTenants(2);
    await db.dataSource.query(`UPDATE platform.tenants SET schema_version = $2 WHERE id = $1`, [ahead!.id, tenantMigrations.length + 3]);

    const report = await migrateTenants(db.dataSource);

    expect(report.total).toBe(1);
    expect(report.failed).toEqual([
      {
        tenantId: ahead!.id,
        status: 'failed',
        error: `schema is at version ${tenantMigrations.length + 3}, newer than this code's ${tenantMigrations.length}`,
        attempts: 2,
        ms: expect.any(Number),
      },
    ]);
    expect(await schemaVersion(ahead!.id)).toBe(tenantMigrations.length + 3);
    expect(await schemaVersion(current!.id)).toBe(tenantMigrations.length);
  });

  describe('the migrate command', () => {
    interface CliRun {
      code: number | null;
      stdout: string;
      stderr: string;
    }

    function runMigrate(databaseUrl: string): Promise<CliRun> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['packages/cli/dist/main.js', 'migrate', '--json'], {
          cwd: REPO_ROOT,
          env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    /** The command's one JSON line (the last line written to stdout). */
    function jsonReport(run: CliRun): { failed: { tenantId: string; error: string }[]; total: number } {
      const lines = run.stdout.trim().split('\n');
      return JSON.parse(lines[lines.length - 1]!);
    }

    it('exits 0 on a healthy database', async () => {
      await createTenants(2);

      const run = await runMigrate(db.url);

      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(jsonReport(run)).toMatchObject({ total: 0, failed: [] });
    });

    it('exits 1 and names the tenant when a tenant fails to migrate', async () => {
      const [, broken] = await createTenants(3);
      // Pretend 0002 was never recorded: rerunning it fails because audit_events already exists.
      await db.dataSource.query(`UPDATE platform.tenants SET schema_version = 1 WHERE id = $1`, [broken!.id]);

      const run = await runMigrate(db.url);

      expect(run.code).toBe(1);
      const report = jsonReport(run);
      expect(report.total).toBe(1);
      expect(report.failed).toEqual([
        expect.objectContaining({ tenantId: broken!.id, status: 'failed', error: 'relation "audit_events" already exists' }),
      ]);
      expect(await schemaVersion(broken!.id)).toBe(1);
    });
  });
});
