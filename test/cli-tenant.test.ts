import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../packages/cli/dist/main.js');
const BIN = path.resolve(__dirname, '../node_modules/.bin/tenantry');

describe('tenantry tenant (admin CLI)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return command('tenant', ...args);
  }

  async function command(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
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

  it('exports every tenant that is not purged, one bundle each, with a summary scripts can read', async () => {
    const made = [];
    for (const slug of ['bulk-one', 'bulk-two', 'bulk-three']) {
      made.push(JSON.parse((await cli('create', '--slug', slug, '--name', slug, '--json')).stdout) as { id: string; slug: string });
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-export-all-'));

    const result = await cli('export', '--all', '--out-dir', dir, '--json');

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { exported: { tenantId: string; file: string }[]; failed: unknown[] };
    expect(summary.failed).toEqual([]);
    const files = await readdir(dir);
    for (const tenant of made) {
      expect(files).toContain(`${tenant.slug}.json`);
      const bundle = JSON.parse(await readFile(path.join(dir, `${tenant.slug}.json`), 'utf8')) as { tenant: { id: string } };
      expect(bundle.tenant.id).toBe(tenant.id);
    }
    // Every bundle written belongs to a tenant that was listed; purged tenants are skipped.
    expect(summary.exported.map((e) => path.basename(e.file)).sort()).toEqual([...files].sort());
    expect((await cli('export', '--all')).code).toBe(2);
  });

  it('draws a progress bar on a terminal and none on a pipe', async () => {
    expect((await cli('create', '--slug', 'bar-drawn', '--name', 'Bar')).code).toBe(0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-export-tty-'));
    // `script` gives the CLI a pseudo-terminal, as a person at a shell would.
    const tty = await run('script', ['-qec', `${process.execPath} ${CLI} tenant export --all --out-dir ${dir}`, '/dev/null'], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url },
    });
    expect(tty.stdout).toMatch(/export \[#+\]\s+\d+\/\d+\s+100%/);
    expect(tty.stdout).toMatch(/tenant\(s\) exported/);

    const piped = await cli('export', '--all', '--out-dir', dir);
    expect(piped.stderr).not.toContain('export [');
    expect(piped.stdout).toMatch(/^exported \S+ \(/m);
  });

  it('migrates with --json and refuses bad options with exit 2', async () => {
    const migrated = await command('migrate', '--json', '--concurrency', '2');
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ failed: [], platform: [] });

    expect((await command('migrate', '--concurrency', '0')).code).toBe(2);
    expect((await command('migrate', '--frobnicate')).code).toBe(2);
  });

  it('runs as `npx tenantry` through the workspace bin', async () => {
    const { stdout } = await run(BIN, ['tenant', 'list', '--json'], { env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url } });
    expect(JSON.parse(stdout)).toMatchObject({ totalCount: expect.any(Number) });
  });
});
