import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { provisionTenant, RequestDatabase, withTenant } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import { loadPlanCatalog } from '@tenantry/plans';
import { createQuotaLeasing, QuotaService, type QuotaDependencies } from '@tenantry/subgraph-usage/dist/quota/quota.service';
import { RedisLeases } from '@tenantry/subgraph-usage/dist/quota/redis-lease';
import { UsageAlertBus } from '@tenantry/subgraph-usage/dist/quota/usage-alert.bus';
import { MemoryTokenBuckets, type TokenBuckets } from '@tenantry/gateway/dist/rate-limit/token-bucket';
import { RedisTokenBuckets } from '@tenantry/gateway/dist/rate-limit/redis-token-bucket';
import { ms, type Benchmark, type Figure } from '../report';
import { summarise, timed } from '../stats';

const CONCURRENCY = 8;
/** Request handlers consuming at once in the metered comparison (more than the pool, as in a busy subgraph). */
const METERED_CONCURRENCY = [8, 32];
const POOL_SIZE = 16;
/** USAGE_LEASE_UNITS' default. */
const LEASE_UNITS = 100;
const actor = { principal: { kind: 'user' as const, userId: randomUUID(), role: 'member' as const }, requestId: 'bench' };

async function throughput(n: number, op: () => Promise<unknown>, concurrency = CONCURRENCY): Promise<number> {
  let next = 0;
  const [elapsed] = await timed(() =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) await op();
      }),
    ),
  );
  return n / (elapsed / 1000);
}

/**
 * Quota consumption (one conditional upsert + usage event, in a tenant transaction) against a
 * plain counter increment in the same kind of transaction; and the rate limiter's added
 * latency per request, in memory and (when REDIS_URL is set) in Redis.
 */
export const usageBenchmark: Benchmark = {
  name: 'usage',
  title: 'Quota and rate-limit hot paths',
  run: async ({ serverUrl, quick, redisUrl }) => {
    const n = quick ? 400 : 20_000;
    const db = await createTestDatabase({ serverUrl, poolSize: POOL_SIZE });
    try {
      const tenantId = randomUUID();
      await provisionTenant(db.dataSource, { id: tenantId, slug: 'bench-usage', name: 'Bench usage', plan: 'enterprise' });
      const quotas = new QuotaService(new RequestDatabase(db.dataSource, tenantId), {
        clock: { now: () => new Date() },
        thresholds: [0.8, 0.95],
        alerts: new UsageAlertBus(),
      });
      const consumeRate = await throughput(n, () => quotas.consume('storage_mb', 1, actor));
      const plainRate = await throughput(n, () =>
        withTenant(db.dataSource, tenantId, (m) =>
          m.query(
            `INSERT INTO usage_counters (resource, period_start, used) VALUES ('plain', 'epoch', 1)
             ON CONFLICT (resource, period_start) DO UPDATE SET used = usage_counters.used + 1`,
          ),
        ),
      );
      const [status] = await quotas.statuses(['storage_mb']);
      const metered = await meteredFigures(db.dataSource, quick ? 200 : 5_000, redisUrl);

      const figures: Figure[] = [
        { label: `consumeQuota per second (${n} consumes, ${CONCURRENCY} concurrent, one hot counter)`, value: consumeRate.toFixed(0) },
        { label: 'baseline: plain counter increment per second (same transaction shape)', value: plainRate.toFixed(0) },
        { label: 'ratio (consume / plain)', value: `${(consumeRate / plainRate).toFixed(2)}x` },
        { label: 'units granted = units consumed (exactness)', value: `${status!.used} of ${n}`, target: 'equal', met: status!.used === n },
        ...metered,
      ];
      figures.push(...(await limiterFigures(new MemoryTokenBuckets(), 'memory', quick)));
      if (redisUrl) {
        const redis = new RedisTokenBuckets(redisUrl, `tenantry:bench:${randomUUID()}:`);
        try {
          figures.push(...(await limiterFigures(redis, 'Redis', quick)));
        } finally {
          await redis.close();
        }
      }
      return {
        name: 'usage',
        title: 'Quota and rate-limit hot paths',
        figures,
        notes: [
          'PostgreSQL is the source of truth for quotas; with REDIS_URL, consumes of metered resources take units of a lease PostgreSQL granted (ADR 0020), each grant still recorded in PostgreSQL.',
          redisUrl
            ? 'Redis figures against the REDIS_URL server.'
            : 'REDIS_URL not set: the Redis consume path and Redis limiter were not measured in this run.',
        ],
      };
    } finally {
      await db.drop();
    }
  },
};

/**
 * consumeQuota of a metered resource (api_calls, business plan: limited) on the PostgreSQL path
 * and, in the same run, on the Redis lease path, each on a fresh tenant and one hot counter.
 */
async function meteredFigures(dataSource: DataSource, n: number, redisUrl: string | undefined): Promise<Figure[]> {
  const service = async (leasing?: QuotaDependencies['leasing']) => {
    const tenantId = randomUUID();
    await provisionTenant(dataSource, { id: tenantId, slug: `bench-${tenantId.slice(0, 8)}`, name: 'Bench metered', plan: 'business' });
    return new QuotaService(new RequestDatabase(dataSource, tenantId), {
      clock: { now: () => new Date() },
      thresholds: [0.8, 0.95],
      alerts: new UsageAlertBus(),
      ...(leasing ? { leasing } : {}),
    });
  };
  const figures: Figure[] = [];
  const redis = redisUrl ? new RedisLeases(redisUrl, `tenantry:bench:${randomUUID()}:`) : undefined;
  try {
    await redis?.ready();
    for (const concurrency of METERED_CONCURRENCY) {
      const postgres = await service();
      const pgRate = await throughput(n, () => postgres.consume('api_calls', 1, actor), concurrency);
      figures.push({
        label: `consumeQuota api_calls per second, PostgreSQL path (${n} consumes, ${concurrency} concurrent, pool ${POOL_SIZE})`,
        value: pgRate.toFixed(0),
      });
      if (!redis) continue;
      const leased = await service(createQuotaLeasing(redis, loadPlanCatalog(), { units: LEASE_UNITS, ttlMs: 10_000 }));
      const redisRate = await throughput(n, () => leased.consume('api_calls', 1, actor), concurrency);
      const [status] = await leased.statuses(['api_calls']);
      figures.push(
        {
          label: `consumeQuota api_calls per second, Redis lease path (same run, ${concurrency} concurrent; leases of ${LEASE_UNITS})`,
          value: redisRate.toFixed(0),
        },
        { label: `ratio Redis path / PostgreSQL path at ${concurrency} concurrent`, value: `${(redisRate / pgRate).toFixed(2)}x` },
        {
          label: `Redis path: units granted = units consumed (exactness, ${concurrency} concurrent)`,
          value: `${status!.used} of ${n}`,
          target: 'equal',
          met: status!.used === n,
        },
      );
    }
    return figures;
  } finally {
    await redis?.close();
  }
}

async function limiterFigures(buckets: TokenBuckets, label: string, quick: boolean): Promise<Figure[]> {
  const n = quick ? 500 : 20_000;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    samples.push((await timed(() => buckets.take(`tenant:${i % 100}`, { refillPerSecond: 1e6, capacity: 1e6 })))[0]);
  }
  const s = summarise(samples);
  return [
    { label: `rate limiter (${label}) added latency p50`, value: ms(s.p50) },
    { label: `rate limiter (${label}) added latency p99`, value: ms(s.p99), target: '<= 2 ms', met: s.p99 <= 2 },
  ];
}
