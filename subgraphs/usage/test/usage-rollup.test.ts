import { RequestDatabase, withTenant } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase } from '@tenantry/testing';
import type { Clock } from '../src/quota/period';
import { QuotaService } from '../src/quota/quota.service';
import { UsageAlertBus } from '../src/quota/usage-alert.bus';
import { UsageReportService, type Bucket } from '../src/report/report.service';
import { rollUpUsage } from '../src/report/usage-rollup';
import { runUsageMaintenance } from '../src/usage-maintenance';

const actor = {
  principal: { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000004', role: 'admin' as const },
  requestId: 'req-rollup',
};

class FakeClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return this.current;
  }
}

describe('usage roll-ups', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Consumes (some refused) spread over three days of October, at odd minutes. */
  async function tenantWithHistory() {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const clock = new FakeClock(new Date('2026-10-03T22:10:00Z'));
    const requestDb = new RequestDatabase(db.dataSource, tenant.id);
    const quotas = new QuotaService(requestDb, { clock, thresholds: [0.8, 0.95], alerts: new UsageAlertBus() });
    const at = [
      '2026-10-03T22:10:00Z',
      '2026-10-03T22:59:59Z',
      '2026-10-03T23:30:00Z',
      '2026-10-04T00:00:00Z',
      '2026-10-04T13:45:00Z',
      '2026-10-05T09:05:00Z',
    ];
    for (const [i, time] of at.entries()) {
      clock.current = new Date(time);
      await quotas.consume('api_calls', 10 + i, actor);
      await quotas.consume('projects', 1, actor).catch(() => undefined); // one granted, then refused
    }
    return { tenant, reports: new UsageReportService(requestDb, clock) };
  }

  const queries: [string, Bucket, string, string][] = [
    ['api_calls', 'hour', '2026-10-03T00:00:00Z', '2026-10-06T00:00:00Z'],
    ['api_calls', 'hour', '2026-10-03T22:30:00Z', '2026-10-04T13:50:00Z'], // edges inside buckets
    ['api_calls', 'day', '2026-10-01T00:00:00Z', '2026-10-31T00:00:00Z'],
    ['api_calls', 'day', '2026-10-03T23:00:00Z', '2026-10-05T10:00:00Z'],
    ['api_calls', 'month', '2026-09-01T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['projects', 'day', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    ['projects', 'hour', '2026-10-04T00:00:00Z', '2026-10-05T00:00:00Z'],
  ];

  it('answers history queries identically before and after a roll-up, and after a partial one', async () => {
    const { tenant, reports } = await tenantWithHistory();
    const answer = () => Promise.all(queries.map(([r, b, from, to]) => reports.history(r, b, new Date(from), new Date(to))));
    const before = await answer();

    // A pass that stops mid-way (only up to Oct 4, 12:00) then the full job.
    await withTenant(db.dataSource, tenant.id, (m) => rollUpUsage(m, new Date('2026-10-04T12:00:00Z'), 0), 'write');
    const partial = await answer();
    const report = await runUsageMaintenance(db.dataSource, new Date(), { graceMs: 60_000 });
    const after = await answer();
    // Closed whole buckets come from the roll-ups alone: without the raw events, the answers to
    // queries on bucket boundaries stand (the others read their partial edge buckets raw).
    await db.dataSource.query(`DELETE FROM "tenant_${tenant.id.replace(/-/g, '')}".usage_events`);
    const fromRollupsOnly = await answer();

    expect(before[0]).toEqual([
      { start: new Date('2026-10-03T22:00:00Z'), granted: 21, refused: 0 },
      { start: new Date('2026-10-03T23:00:00Z'), granted: 12, refused: 0 },
      { start: new Date('2026-10-04T00:00:00Z'), granted: 13, refused: 0 },
      { start: new Date('2026-10-04T13:00:00Z'), granted: 14, refused: 0 },
      { start: new Date('2026-10-05T09:00:00Z'), granted: 15, refused: 0 },
    ]);
    expect(partial).toEqual(before);
    expect(after).toEqual(before);
    const aligned = [0, 2, 4, 5, 6];
    expect(aligned.map((i) => fromRollupsOnly[i])).toEqual(aligned.map((i) => before[i]));
    expect(report.failed).toBe(0);
    const rolled: { granularity: string; n: number }[] = await db.dataSource.query(
      `SELECT granularity, count(*)::int AS n FROM "tenant_${tenant.id.replace(/-/g, '')}".usage_rollups GROUP BY 1 ORDER BY 1`,
    );
    expect(rolled).toEqual([
      { granularity: 'day', n: 6 }, // two resources on three days
      { granularity: 'hour', n: 10 }, // two resources in five hours
    ]);
  });

  it('is idempotent and resumable: rolling the same range again from scratch gives the same buckets', async () => {
    const { tenant } = await tenantWithHistory();
    const schema = `"tenant_${tenant.id.replace(/-/g, '')}"`;
    const snapshot = () =>
      db.dataSource.query(
        `SELECT granularity, resource, bucket_start, granted::int, refused::int FROM ${schema}.usage_rollups ORDER BY 1, 2, 3`,
      );
    const rollAll = async () => {
      // Each pass covers at most a week; passes resume from the watermark until caught up.
      while ((await withTenant(db.dataSource, tenant.id, (m) => rollUpUsage(m, new Date(), 0), 'write')).length > 0);
    };
    await rollAll();
    const first = await snapshot();

    await db.dataSource.query(`DELETE FROM ${schema}.usage_rollup_watermarks`); // as if never rolled: every bucket again
    await rollAll();

    expect(first.length).toBe(16);
    expect(await snapshot()).toEqual(first);
  });
});
