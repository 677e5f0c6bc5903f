import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { loadPlanCatalog } from '@tenantry/plans';
import { RequestDatabase, withTenant } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, testRedisUrl, type TestDatabase } from '@tenantry/testing';
import { settleExpiredLeases } from '../src/quota/lease-ledger';
import type { Clock } from '../src/quota/period';
import { QuotaDomainError } from '../src/quota/quota.errors';
import { createQuotaLeasing, QuotaService } from '../src/quota/quota.service';
import { RedisAlertPublisher, subscribeUsageAlerts } from '../src/quota/redis-alert-publisher';
import { RedisLeases } from '../src/quota/redis-lease';
import { UsageAlertBus, type UsageAlert } from '../src/quota/usage-alert.bus';
import { runUsageMaintenance } from '../src/usage-maintenance';

const actor = {
  principal: { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000003', role: 'member' as const },
  requestId: 'req-quota-redis',
};

class FakeClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return this.current;
  }
}

const redisUrl = testRedisUrl();
const schemaOf = (tenantId: string) => `"tenant_${tenantId.replace(/-/g, '')}"`;

// Needs a Redis server (.ci/run sets REDIS_URL when the machine runs one); without it the fast
// path cannot be exercised and these are reported as skipped, not passed.
(redisUrl ? describe : describe.skip)('quota consumption through Redis leases', () => {
  let db: TestDatabase;
  let admin: Redis;
  const opened: RedisLeases[] = [];
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 10 });
    admin = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await Promise.all([...opened.map((r) => r.close()), ...closers.map((c) => c())]);
    await admin?.quit();
    await db?.drop();
  });

  /** One usage-subgraph replica: its own Redis connection and catalog cache, sharing the prefix. */
  async function replica(
    tenantId: string,
    prefix: string,
    options: { clock?: Clock; alerts?: UsageAlertBus; units?: number; ttlMs?: number } = {},
  ) {
    const redis = new RedisLeases(redisUrl!, prefix);
    opened.push(redis);
    await redis.ready();
    const leasing = createQuotaLeasing(redis, loadPlanCatalog(), { units: options.units ?? 25, ttlMs: options.ttlMs ?? 30_000 });
    return new QuotaService(new RequestDatabase(db.dataSource, tenantId), {
      clock: options.clock ?? { now: () => new Date() },
      thresholds: [0.8, 0.95],
      alerts: options.alerts ?? new UsageAlertBus(),
      leasing,
    });
  }

  async function tenantWithApiCallLimit(limit: number) {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    await db.dataSource.query(`INSERT INTO platform.tenant_quota_overrides (tenant_id, resource, quota) VALUES ($1, 'api_calls', $2)`, [
      tenant.id,
      limit,
    ]);
    return tenant;
  }

  /** Deletes every key under `prefix`: what FLUSHALL or a restart without persistence does to ours. */
  async function flush(prefix: string) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }

  async function ledger(tenantId: string) {
    const schema = schemaOf(tenantId);
    const [events] = (await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE outcome = 'granted')::int AS granted, count(*) FILTER (WHERE outcome = 'refused')::int AS refused,
              count(*) FILTER (WHERE lease_id IS NOT NULL)::int AS leased, coalesce(sum(amount) FILTER (WHERE outcome = 'granted'), 0)::int AS units
         FROM ${schema}.usage_events`,
    )) as { granted: number; refused: number; leased: number; units: number }[];
    // Settle whatever lease is still open, as the job does once it expires: the counter must then be exact.
    await withTenant(db.dataSource, tenantId, (m) => settleExpiredLeases(m, new Date(Date.now() + 3_600_000)), 'write');
    const [counter] = (await db.dataSource.query(
      `SELECT sum(used)::int AS used FROM ${schema}.usage_counters WHERE resource = 'api_calls'`,
    )) as {
      used: number;
    }[];
    return { ...events!, counter: counter!.used };
  }

  function tally(results: PromiseSettledResult<unknown>[]) {
    const refusedOnly = results.every((r) => r.status === 'fulfilled' || (r.reason as QuotaDomainError).code === 'QUOTA_EXCEEDED');
    return { granted: results.filter((r) => r.status === 'fulfilled').length, refusedOnly };
  }

  it('grants exactly 500 of 1,000 concurrent consumes across two replicas sharing Redis, mostly from leases', async () => {
    const tenant = await tenantWithApiCallLimit(500);
    const prefix = `tenantry:test:${randomUUID()}:`;
    const replicas = [await replica(tenant.id, prefix, { units: 100 }), await replica(tenant.id, prefix, { units: 100 })];

    const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => replicas[i % 2]!.consume('api_calls', 1, actor)));

    expect(tally(results)).toEqual({ granted: 500, refusedOnly: true });
    const [status] = await replicas[0]!.statuses(['api_calls']);
    expect(status).toMatchObject({ used: 500, remaining: 0 });
    const after = await ledger(tenant.id);
    expect(after).toMatchObject({ granted: 500, refused: 500, units: 500, counter: 500 });
    expect(after.leased).toBeGreaterThan(250);
  });

  it('stays exact when Redis loses every key mid-run, and the lost lease units come back', async () => {
    const tenant = await tenantWithApiCallLimit(500);
    const prefix = `tenantry:test:${randomUUID()}:`;
    const replicas = [await replica(tenant.id, prefix), await replica(tenant.id, prefix)];
    let done = 0;
    let flushed: Promise<void> | undefined;

    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        replicas[i % 2]!.consume('api_calls', 1, actor).finally(() => {
          if (++done === 150) flushed = flush(prefix);
        }),
      ),
    );
    await flushed;

    expect(flushed).toBeDefined();
    expect(tally(results)).toEqual({ granted: 500, refusedOnly: true });
    expect(await ledger(tenant.id)).toMatchObject({ granted: 500, units: 500, counter: 500 });
  });

  it('hands no unit out twice when Redis comes back from a stale snapshot', async () => {
    const tenant = await tenantWithApiCallLimit(60);
    const prefix = `tenantry:test:${randomUUID()}:`;
    const service = await replica(tenant.id, prefix, { units: 50 });
    await service.consume('api_calls', 1, actor); // takes a lease of 50 for Redis
    const [key] = await admin.keys(`${prefix}*`);
    const snapshot = await admin.hgetall(key!);
    for (let i = 0; i < 20; i++) await service.consume('api_calls', 1, actor);

    await admin.hset(key!, snapshot); // the restored snapshot hands units 0..19 out again
    const results = await Promise.allSettled(Array.from({ length: 80 }, () => service.consume('api_calls', 1, actor)));

    expect(tally(results)).toEqual({ granted: 60 - 21, refusedOnly: true });
    expect(await ledger(tenant.id)).toMatchObject({ granted: 60, units: 60, counter: 60 });
  });

  it('starts afresh at the period boundary on the Redis path (injectable clock)', async () => {
    const tenant = await tenantWithApiCallLimit(40);
    const prefix = `tenantry:test:${randomUUID()}:`;
    const clock = new FakeClock(new Date('2026-11-30T23:59:00Z'));
    const service = await replica(tenant.id, prefix, { clock, units: 10 });

    const november = await Promise.allSettled(Array.from({ length: 60 }, () => service.consume('api_calls', 1, actor)));
    const refusal = await service.consume('api_calls', 1, actor).catch((e: QuotaDomainError) => e);
    clock.current = new Date('2026-12-01T00:00:01Z');
    const december = await service.consume('api_calls', 1, actor);
    const more = await Promise.allSettled(Array.from({ length: 10 }, () => service.consume('api_calls', 1, actor)));

    expect(tally(november).granted).toBe(40);
    expect((refusal as QuotaDomainError).refusal).toEqual({
      resource: 'api_calls',
      limit: 40,
      used: 40,
      requested: 1,
      resetsAt: new Date('2026-12-01T00:00:00Z'),
    });
    expect(december).toMatchObject({ used: 1, remaining: 39, periodStart: new Date('2026-12-01T00:00:00Z') });
    expect(tally(more).granted).toBe(10);
    const [status] = await service.statuses(['api_calls']);
    expect(status).toMatchObject({ used: 11, periodStart: new Date('2026-12-01T00:00:00Z') });
  });

  it('reports only what grants used while a lease is open, and gives unused units back when it expires', async () => {
    const tenant = await tenantWithApiCallLimit(1_000);
    const prefix = `tenantry:test:${randomUUID()}:`;
    const service = await replica(tenant.id, prefix, { units: 100, ttlMs: 300 });
    const schema = schemaOf(tenant.id);
    const counter = async () =>
      (
        (await db.dataSource.query(`SELECT used::int AS used FROM ${schema}.usage_counters WHERE resource = 'api_calls'`)) as {
          used: number;
        }[]
      )[0]!.used;

    await service.consume('api_calls', 3, actor);
    const second = await service.consume('api_calls', 2, actor);
    const whileOpen = await counter();
    const [status] = await service.statuses(['api_calls']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const report = await runUsageMaintenance(db.dataSource, new Date(), { graceMs: 0 });

    expect(second).toMatchObject({ used: 5, remaining: 995 });
    expect(whileOpen).toBe(103); // 3 granted directly + a lease of 100, 2 of it used
    expect(status).toMatchObject({ used: 5, remaining: 995 });
    expect(report.leasesSettled).toBeGreaterThanOrEqual(1);
    expect(await counter()).toBe(5);
  });

  it('publishes exactly one Redis event per threshold crossing, after commit, to a subscriber on another connection', async () => {
    const tenant = await tenantWithApiCallLimit(500);
    const prefix = `tenantry:test:${randomUUID()}:`;
    const received: UsageAlert[] = [];
    const subscription = await subscribeUsageAlerts(redisUrl!, prefix, (alert) => received.push(alert));
    closers.push(subscription.close);
    const buses = [new UsageAlertBus(), new UsageAlertBus()];
    const publishers = buses.map((bus) => new RedisAlertPublisher(redisUrl!, prefix, bus));
    closers.push(...publishers.map((p) => () => p.close()));
    const replicas = [await replica(tenant.id, prefix, { alerts: buses[0] }), await replica(tenant.id, prefix, { alerts: buses[1] })];

    await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => replicas[i % 2]!.consume('api_calls', 1, actor)));
    for (let waited = 0; received.length < 2 && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to show up

    expect(received.map((a) => a.threshold).sort()).toEqual([0.8, 0.95]);
    expect(received[0]).toMatchObject({ tenantId: tenant.id, resource: 'api_calls', limit: 500 });
    expect(received.map((a) => a.used).sort()).toEqual([400, 475]);
    const stored: unknown[] = await db.dataSource.query(`SELECT threshold FROM ${schemaOf(tenant.id)}.usage_alerts`);
    expect(stored).toHaveLength(2);
  });
});
