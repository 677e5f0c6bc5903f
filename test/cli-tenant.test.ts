import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../packages/cli/dist/main.js');

describe('tenantry tenant (admin CLI)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, 'tenant', ...args], {
        env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('creates, lists, shows, suspends, resumes, cancels, exports and purges a tenant, with exit codes scripts can trust', async () => {
    const created = await cli('create', '--slug', 'cli-made', '--name', 'Made by CLI', '--plan', 'pro', '--json');
    expect(created.code).toBe(0);
    const tenant = JSON.parse(created.stdout) as { id: string; slug: string; status: string };
    expect(tenant).toMatchObject({ slug: 'cli-made', status: 'active' });

    const list = JSON.parse((await cli('list', '--json')).stdout) as { tenants: { id: string }[]; totalCount: number };
    expect(list.tenants.map((t) => t.id)).toContain(tenant.id);

    expect(JSON.parse((await cli('suspend', tenant.id, '--json')).stdout)).toMatchObject({ status: 'suspended' });
    expect(JSON.parse((await cli('show', 'cli-made', '--json')).stdout)).toMatchObject({ id: tenant.id, status: 'suspended' });
    expect(JSON.parse((await cli('resume', tenant.id, '--json')).stdout)).toMatchObject({ status: 'active' });

    const refusedPurge = await cli('purge', tenant.id, '--json');
    expect(refusedPurge.code).toBe(1);
    expect(JSON.parse(refusedPurge.stderr)).toMatchObject({ error: { code: expect.any(String) } });

    expect((await cli('cancel', tenant.id)).code).toBe(0);
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'tenantry-export-')), 'bundle.json');
    expect((await cli('export', tenant.id, '--out', out)).code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ tenant: expect.objectContaining({ id: tenant.id }) });

    const purged = await cli('purge', tenant.id, '--json');
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.stdout)).toMatchObject({ tenantId: tenant.id, purged: true });
    const [schemas] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1`, [
      `tenant_${tenant.id.replace(/-/g, '')}`,
    ])) as { n: number }[];
    expect(schemas!.n).toBe(0);
    expect(JSON.parse((await cli('purge', tenant.id, '--json')).stdout)).toMatchObject({ purged: false });
  });

  it('answers a refused input with exit 1 and the error code, and bad usage with exit 2', async () => {
    const bad = await cli('create', '--slug', 'Not A Slug', '--name', 'x');
    const unknown = await cli('show', 'no-such-tenant');
    const usage = await cli('frobnicate');

    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^BAD_USER_INPUT: /);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^NOT_FOUND/);
    expect(usage.code).toBe(2);
  });
});
