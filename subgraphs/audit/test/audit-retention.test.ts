import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { generateSigningJwk, type Principal } from '@tenantry/auth';
import { loadPlanCatalog } from '@tenantry/plans';
import { tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase, type TestTenant } from '@tenantry/testing';
import { AuditSigningService, purgeExpiredAuditEvents, verifyChain } from '../src';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('retention purge', () => {
  let db: TestDatabase;
  let signing: AuditSigningService;
  const { retentionDays } = loadPlanCatalog();
  const actor: Principal = { kind: 'user', userId: randomUUID(), role: 'admin' };

  beforeAll(async () => {
    db = await createTestDatabase();
    signing = await AuditSigningService.fromPrivateJwk(JSON.stringify((await generateSigningJwk()).privateJwk));
  });
  afterAll(async () => {
    await db?.drop();
  });

  const schemaOf = (tenant: TestTenant) => `"${tenantSchemaName(tenant.id)}"`;

  async function append(tenant: TestTenant, count: number): Promise<Date> {
    for (let i = 0; i < count; i++) {
      await withTenant(db.dataSource, tenant.id, (m) =>
        appendAuditEvent(m, { action: 'widget.updated', actor, resourceType: 'widget', resourceId: `w${i}` }),
      );
    }
    const [row] = await db.dataSource.query(`SELECT max(occurred_at) AS at FROM ${schemaOf(tenant)}.audit_events`);
    return row.at as Date;
  }

  /** A tenant with events 1-5, then (a moment later) 6-8; `now` makes exactly 1-5 expire under its plan. */
  async function tenantWithOldAndNewEvents(plan = 'free'): Promise<{ tenant: TestTenant; now: Date }> {
    const tenant = await createTenant(db.dataSource, { plan });
    await append(tenant, 5);
    await new Promise((r) => setTimeout(r, 20));
    await append(tenant, 3);
    const [sixth] = await db.dataSource.query(`SELECT occurred_at FROM ${schemaOf(tenant)}.audit_events WHERE seq = 6`);
    return { tenant, now: new Date((sixth.occurred_at as Date).getTime() + retentionDays[plan]! * DAY_MS) };
  }

  const verify = (tenant: TestTenant) => withTenant(db.dataSource, tenant.id, (m) => verifyChain(m, tenant.id, signing, {}));

  it("purges events older than the plan's retention behind a signed purge record, and the chain still verifies", async () => {
    const { tenant, now } = await tenantWithOldAndNewEvents('free');

    const outcomes = await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] });

    expect(outcomes).toEqual([{ tenantId: tenant.id, status: 'purged', throughSeq: '5', events: 5 }]);
    const left = await db.dataSource.query(`SELECT seq::text AS seq FROM ${schemaOf(tenant)}.audit_events e ORDER BY e.seq`);
    expect(left).toEqual([{ seq: '6' }, { seq: '7' }, { seq: '8' }]);
    const [record] = await db.dataSource.query(
      `SELECT through_seq::text AS through, events::int AS events FROM ${schemaOf(tenant)}.audit_purges`,
    );
    expect(record).toEqual({ through: '5', events: 5 });
    expect(await verify(tenant)).toMatchObject({ ok: true, from: 6n, checkedEvents: 3, purgedThrough: 5n });

    await append(tenant, 2);
    expect(await verify(tenant)).toMatchObject({ ok: true, checkedEvents: 5 });
  });

  it('uses each plan its own retention period', async () => {
    const { tenant, now } = await tenantWithOldAndNewEvents('enterprise');
    // 30 days (free) after the events is far inside enterprise's 730.
    const early = new Date(now.getTime() - (retentionDays.enterprise! - retentionDays.free!) * DAY_MS);

    expect(await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now: early, tenantIds: [tenant.id] })).toEqual([
      { tenantId: tenant.id, status: 'nothing-expired' },
    ]);
    expect(await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] })).toEqual([
      { tenantId: tenant.id, status: 'purged', throughSeq: '5', events: 5 },
    ]);
  });

  it('does nothing the second time', async () => {
    const { tenant, now } = await tenantWithOldAndNewEvents();
    await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] });

    expect(await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] })).toEqual([
      { tenantId: tenant.id, status: 'nothing-expired' },
    ]);
  });

  it('purges once when two replicas run the job at the same moment', async () => {
    const { tenant, now } = await tenantWithOldAndNewEvents();

    const runs = await Promise.all(
      [1, 2].map(() => purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] })),
    );

    expect(
      runs
        .flat()
        .map((o) => o.status)
        .sort(),
    ).toEqual(['nothing-expired', 'purged']);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM ${schemaOf(tenant)}.audit_purges`)).toEqual([{ n: 1 }]);
    expect(await verify(tenant)).toMatchObject({ ok: true, checkedEvents: 3 });
  });

  it('still refuses to delete events that no purge record covers, even to the owner', async () => {
    const { tenant, now } = await tenantWithOldAndNewEvents();
    await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] });

    await expect(db.dataSource.query(`DELETE FROM ${schemaOf(tenant)}.audit_events WHERE seq = 7`)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(db.dataSource.query(`UPDATE ${schemaOf(tenant)}.audit_purges SET through_seq = 8`)).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('keeps a broken range as evidence instead of purging it', async () => {
    const { tenant, now } = await tenantWithOldAndNewEvents();
    await db.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE ${schemaOf(tenant)}.audit_events DISABLE TRIGGER USER`);
      await m.query(`UPDATE ${schemaOf(tenant)}.audit_events SET resource_id = 'edited' WHERE seq = 2`);
      await m.query(`ALTER TABLE ${schemaOf(tenant)}.audit_events ENABLE TRIGGER USER`);
    });

    const [outcome] = await purgeExpiredAuditEvents(db.dataSource, signing, retentionDays, { now, tenantIds: [tenant.id] });

    expect(outcome).toMatchObject({ tenantId: tenant.id, status: 'refused', reason: expect.stringContaining('CONTENT_MISMATCH') });
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM ${schemaOf(tenant)}.audit_events`)).toEqual([{ n: 8 }]);
  });

  it('detects events deleted behind a forged purge record', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await append(tenant, 6);
    const forger = await AuditSigningService.fromPrivateJwk(JSON.stringify((await generateSigningJwk()).privateJwk));
    const token = await forger.sign('purge', { tid: tenant.id, through: '3', hash: '00'.repeat(32) }, new Date());
    // The table owner can write a purge record (the tenant role cannot); it cannot sign one with the audit key.
    await db.dataSource.query(
      `INSERT INTO ${schemaOf(tenant)}.audit_purges (through_seq, through_hash, cutoff, events, purged_at, key_id, token)
       SELECT 3, hash, now(), 3, now(), 'forged', $1 FROM ${schemaOf(tenant)}.audit_events WHERE seq = 3`,
      [token],
    );
    await db.dataSource.query(`DELETE FROM ${schemaOf(tenant)}.audit_events WHERE seq <= 3`);

    expect((await verify(tenant)).break).toMatchObject({ seq: 3n, reason: 'CHECKPOINT_MISMATCH' });
  });

  it('cannot be written by the tenant role', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const attempt = withTenant(db.dataSource, tenant.id, (m) =>
      m.query(
        `INSERT INTO audit_purges (through_seq, through_hash, cutoff, events, purged_at, key_id, token)
               VALUES (1, $1, now(), 1, now(), 'k', 't')`,
        [Buffer.alloc(32)],
      ),
    );
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
  });
});
