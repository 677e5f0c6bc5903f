import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../packages/cli/dist/main.js');

const operation = (body: string) => ({
  id: createHash('sha256').update(body).digest('hex'),
  name: /^query (\w+)/.exec(body)![1]!,
  type: 'query',
  body,
});
const ME = operation('query Me { me { id } }');
const TENANT = operation('query Tenant { currentTenant { slug } }');

describe('tenantry pq publish (persisted-query CLI)', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-pq-'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, 'pq', ...args], {
        env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  async function manifestFile(name: string, operations: unknown[]): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }));
    return file;
  }

  const stored = async (client: string) =>
    (
      (await db.dataSource.query(
        `SELECT c.pq_mode AS mode, c.manifest_version AS version,
                (SELECT count(*)::int FROM platform.persisted_operations o WHERE o.client_name = c.name AND o.retired_at IS NULL) AS active
           FROM platform.api_clients c WHERE c.name = $1`,
        [client],
      )) as { mode: string; version: number; active: number }[]
    )[0];

  it('publishes a manifest into the database, audited, and prints what changed (human and --json)', async () => {
    const file = await manifestFile('web.json', [ME, TENANT]);
    const human = await cli('publish', file, '--client', 'web-app', '--mode', 'audit');
    const again = await cli('publish', file, '--client', 'web-app', '--json');

    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^web-app: manifest version 1 \(audit\) — 2 added, 0 unchanged, 0 retired; 2 operation\(s\) active/);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      version: 2,
      added: 0,
      unchanged: 2,
      operations: 2,
      client: { name: 'web-app', mode: 'audit' },
    });
    expect(await stored('web-app')).toEqual({ mode: 'audit', version: 2, active: 2 });
    const audit = (await db.dataSource.query(
      `SELECT action, actor_type FROM platform.audit_events WHERE resource_id = 'web-app'`,
    )) as unknown[];
    expect(audit).toHaveLength(2);
  });

  it('refuses a manifest with a mismatched id with exit 1 and the code, storing nothing', async () => {
    const file = await manifestFile('bad.json', [ME, { ...TENANT, id: ME.id }]);
    const refused = await cli('publish', file, '--client', 'partner-bad', '--json');

    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr)).toEqual({
      error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('not the SHA-256'), field: 'manifest.operations[1].id' },
    });
    expect(await stored('partner-bad')).toBeUndefined();
  });

  it('changes a mode and lists clients', async () => {
    await cli('publish', await manifestFile('m.json', [ME]), '--client', 'mobile');
    const mode = await cli('mode', 'mobile', 'off', '--json');
    const list = await cli('clients');

    expect(JSON.parse(mode.stdout)).toMatchObject({ name: 'mobile', mode: 'off' });
    expect(list.stdout).toMatch(/^mobile\s+off\s+v1 1 operation\(s\)$/m);
  });

  it('answers bad usage with exit 2 and an unreadable file or unknown client with exit 1', async () => {
    expect((await cli('publish', await manifestFile('x.json', [ME]))).code).toBe(2);
    expect((await cli('publish', 'x.json', '--client', 'web-app', '--mode', 'strict')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    const missing = await cli('publish', path.join(dir, 'missing.json'), '--client', 'web-app');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^BAD_USER_INPUT: Cannot read/);
    const unknown = await cli('mode', 'nobody', 'enforce');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^NOT_FOUND/);
  });
});
