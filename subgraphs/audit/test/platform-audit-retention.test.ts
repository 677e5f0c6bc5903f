import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendPlatformAuditEvent } from '@tenantry/audit-writer';
import { generateSigningJwk, type Principal } from '@tenantry/auth';
import { withPlatform } from '@tenantry/tenancy';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { AuditSigningService, PLATFORM_CHAIN_ID, checkpointHead, purgeExpiredPlatformAuditEvents, verifyChain } from '../src';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_DAYS = 730;

describe("retention of the platform's own audit chain", () => {
  let db: TestDatabase;
  let signing: AuditSigningService;
  const staff: Principal = { kind: 'user', userId: randomUUID(), platformRole: 'platform_admin' };
  let purgedThrough: bigint;

  async function append(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await withPlatform(db.dataSource, (m) =>
        appendPlatformAuditEvent(m, { action: 'staff.tenant_viewed', actor: staff, resourceType: 'tenant', resourceId: `t${i}` }),
      );
    }
  }

  /** Tampering happens in a transaction that is rolled back, so each case starts from the purged chain. */
  async function tampered(tamper: (m: EntityManager) => Promise<void>, checkpointToken?: string) {
    return db.dataSource
      .transaction(async (m) => {
        await m.query(`SET LOCAL search_path TO platform`);
        await m.query(`ALTER TABLE platform.audit_events DISABLE TRIGGER USER`);
        await m.query(`ALTER TABLE platform.audit_chain_head DISABLE TRIGGER USER`);
        await tamper(m);
        const result = await verifyChain(m, null, signing, checkpointToken ? { checkpointToken } : {});
        // Thrown so the transaction rolls back, carrying what verification saw.
        throw Object.assign(new Error('rolled back'), { result });
      })
      .catch((error: { result?: Awaited<ReturnType<typeof verifyChain>> }) => {
        if (!error.result) throw error;
        return error.result;
      });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    signing = await AuditSigningService.fromPrivateJwk(JSON.stringify((await generateSigningJwk()).privateJwk));
    await append(5);
    await new Promise((r) => setTimeout(r, 20));
    const [{ seq }] = (await db.dataSource.query(`SELECT max(seq)::text AS seq FROM platform.audit_events`)) as { seq: string }[];
    purgedThrough = BigInt(seq);
    await append(3);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('purges events older than the platform retention behind a signed purge record, and the chain still verifies', async () => {
    const [next] = (await db.dataSource.query(`SELECT occurred_at FROM platform.audit_events WHERE seq = $1`, [
      (purgedThrough + 1n).toString(),
    ])) as { occurred_at: Date }[];
    const now = new Date(next!.occurred_at.getTime() + RETENTION_DAYS * DAY_MS);
    const early = new Date(now.getTime() - DAY_MS);

    expect(await purgeExpiredPlatformAuditEvents(db.dataSource, signing, RETENTION_DAYS, { now: early })).toEqual({
      tenantId: PLATFORM_CHAIN_ID,
      status: 'nothing-expired',
    });
    const outcome = await purgeExpiredPlatformAuditEvents(db.dataSource, signing, RETENTION_DAYS, { now });
    const again = await purgeExpiredPlatformAuditEvents(db.dataSource, signing, RETENTION_DAYS, { now });

    expect(outcome).toMatchObject({ tenantId: PLATFORM_CHAIN_ID, status: 'purged', throughSeq: purgedThrough.toString() });
    expect(again).toEqual({ tenantId: PLATFORM_CHAIN_ID, status: 'nothing-expired' });
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM platform.audit_events`)) as { n: number }[];
    expect(n).toBe(3);
    const [record] = (await db.dataSource.query(`SELECT through_seq::text AS through, token FROM platform.audit_purges`)) as {
      through: string;
      token: string;
    }[];
    expect(await signing.verify('purge', record!.token)).toMatchObject({ tid: PLATFORM_CHAIN_ID, through: purgedThrough.toString() });
    expect(await withPlatform(db.dataSource, (m) => verifyChain(m, null, signing, {}))).toMatchObject({
      ok: true,
      checkedEvents: 3,
      purgedThrough,
    });
  });

  it('still detects an edited, a deleted and a truncated event after the purge', async () => {
    const first = purgedThrough + 1n;
    const checkpoint = await withPlatform(db.dataSource, (m) => checkpointHead(m, PLATFORM_CHAIN_ID, signing, { onlyIfMoved: false }));
    const token = (checkpoint as { token: string }).token;

    const edited = await tampered((m) =>
      m.query(`UPDATE audit_events SET resource_id = 'edited' WHERE seq = $1`, [(first + 1n).toString()]),
    );
    const deleted = await tampered((m) => m.query(`DELETE FROM audit_events WHERE seq = $1`, [(first + 1n).toString()]));
    const truncated = await tampered(async (m) => {
      await m.query(`DELETE FROM audit_events WHERE seq >= $1`, [(first + 2n).toString()]);
      const [row] = (await m.query(`SELECT hash FROM audit_events WHERE seq = $1`, [(first + 1n).toString()])) as { hash: Buffer }[];
      await m.query(`UPDATE audit_chain_head SET last_seq = $1, last_hash = $2`, [(first + 1n).toString(), row!.hash]);
    }, token);

    expect(edited.break).toMatchObject({ seq: first + 1n, reason: 'CONTENT_MISMATCH' });
    expect(deleted.break).toMatchObject({ seq: first + 1n, reason: 'GAP' });
    expect(truncated.break).toMatchObject({ reason: 'TRUNCATED' });
  });

  it('still refuses to delete events no purge record covers', async () => {
    await expect(
      db.dataSource.query(`DELETE FROM platform.audit_events WHERE seq = $1`, [(purgedThrough + 2n).toString()]),
    ).rejects.toMatchObject({
      code: '42501',
    });
  });
});
