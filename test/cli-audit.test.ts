import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { appendAuditEvent, appendPlatformAuditEvent } from '@tenantry/audit-writer';
import { generateSigningJwk, type Principal } from '@tenantry/auth';
import { AuditSigningService, PLATFORM_CHAIN_ID, checkpointHead } from '@tenantry/subgraph-audit';
import { tenantSchemaName, withPlatform, withTenant } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase, type TestTenant } from '@tenantry/testing';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../packages/cli/dist/main.js');

interface VerifyOutput {
  ok: boolean;
  chains: {
    chain: string;
    slug?: string;
    ok: boolean;
    checkedEvents: number;
    latestCheckpoint: string | null;
    break?: { seq: string; reason: string };
  }[];
}

describe('tenantry audit verify (admin CLI)', () => {
  let db: TestDatabase;
  let auditKey: string;
  let signing: AuditSigningService;
  let first: TestTenant;
  let second: TestTenant;
  const actor: Principal = { kind: 'user', userId: randomUUID(), role: 'admin' };

  async function append(tenant: TestTenant, count: number) {
    for (let i = 0; i < count; i++) {
      await withTenant(db.dataSource, tenant.id, (m) =>
        appendAuditEvent(m, { action: 'widget.updated', actor, resourceType: 'widget', resourceId: `w${i}` }),
      );
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    auditKey = JSON.stringify((await generateSigningJwk()).privateJwk);
    signing = await AuditSigningService.fromPrivateJwk(auditKey);
    first = await createTenant(db.dataSource);
    second = await createTenant(db.dataSource);
    await append(first, 4);
    await append(second, 3);
    await withTenant(db.dataSource, first.id, (m) => checkpointHead(m, first.id, signing));
    for (let i = 0; i < 3; i++) {
      await withPlatform(db.dataSource, (m) =>
        appendPlatformAuditEvent(m, {
          action: 'staff.tenant_viewed',
          actor: { kind: 'user', userId: randomUUID(), platformRole: 'support' },
          resourceType: 'tenant',
          resourceId: first.id,
        }),
      );
    }
    await withPlatform(db.dataSource, (m) => checkpointHead(m, PLATFORM_CHAIN_ID, signing));
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, 'audit', ...args], {
        env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, AUDIT_SIGNING_KEY: auditKey },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('verifies every tenant chain and the platform chain against their signed checkpoints, exit 0', async () => {
    const human = await cli('verify');
    const json = await cli('verify', '--json');

    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^${first.slug}\\s+ok\\s+events 1\\.\\.4 \\(4 checked\\).*latest checkpoint at 4$`, 'm'));
    expect(human.stdout).toMatch(/chain\(s\) verified, 0 broken/);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as VerifyOutput;
    expect(out.ok).toBe(true);
    expect(out.chains).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ chain: 'platform', ok: true, checkedEvents: expect.any(Number), latestCheckpoint: expect.any(String) }),
        expect.objectContaining({ chain: first.id, slug: first.slug, ok: true, checkedEvents: 4, latestCheckpoint: '4' }),
        expect.objectContaining({ chain: second.id, ok: true, checkedEvents: 3, latestCheckpoint: null }),
      ]),
    );
  });

  it('verifies one tenant by slug or id, the platform alone, and a range', async () => {
    const bySlug = JSON.parse((await cli('verify', '--tenant', second.slug, '--json')).stdout) as VerifyOutput;
    const range = await cli('verify', '--tenant', first.id, '--from', '2', '--to', '3', '--json');
    const platform = JSON.parse((await cli('verify', '--platform', '--json')).stdout) as VerifyOutput;

    expect(bySlug.chains.map((c) => c.chain)).toEqual([second.id]);
    expect(range.code).toBe(0);
    expect(JSON.parse(range.stdout)).toMatchObject({ ok: true, chains: [{ chain: first.id, from: '2', to: '3', checkedEvents: 3 }] });
    expect(platform.chains.map((c) => c.chain)).toEqual(['platform']);
  });

  it('answers bad usage with exit 2 and an unknown tenant with exit 1', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('verify', '--from', '1')).code).toBe(2);
    expect((await cli('verify', '--platform', '--from', 'one')).code).toBe(2);
    expect((await cli('verify', '--tenant', first.id, '--from', '4', '--to', '2')).code).toBe(2);
    expect((await cli('verify', '--bogus')).code).toBe(2);
    const unknown = await cli('verify', '--tenant', 'no-such-tenant');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^NOT_FOUND/);
  });

  it('exits 1 naming the first broken sequence and why when a row was edited', async () => {
    const schema = `"${tenantSchemaName(second.id)}"`;
    await db.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE ${schema}.audit_events DISABLE TRIGGER USER`);
      await m.query(`UPDATE ${schema}.audit_events SET resource_id = 'edited' WHERE seq = 2`);
      await m.query(`ALTER TABLE ${schema}.audit_events ENABLE TRIGGER USER`);
    });

    const all = await cli('verify');
    const json = await cli('verify', '--tenant', second.id, '--json');
    const other = await cli('verify', '--tenant', first.slug);

    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(new RegExp(`^${second.slug}\\s+BROKEN at 2: CONTENT_MISMATCH`, 'm'));
    expect(all.stdout).toMatch(/chain\(s\) verified, 1 broken/);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      chains: [{ chain: second.id, ok: false, break: { seq: '2', reason: 'CONTENT_MISMATCH' } }],
    });
    expect(other.code).toBe(0);
  });
});
