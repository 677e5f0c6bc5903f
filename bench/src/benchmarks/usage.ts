import { randomUUID } from 'node:crypto';
import { provisionTenant, RequestDatabase, withTenant } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import { QuotaService } from '@tenantry/subgraph-usage/dist/quota/quota.service';
import { UsageAlertBus } from '@tenantry/subgraph-usage/dist/quota/usage-alert.bus';
import { MemoryTokenBuckets, type TokenBuckets } from '@tenantry/gateway/dist/rate-limit/token-bucket';
import { RedisTokenBuckets } from '@tenantry/gateway/dist/rate-limit/redis-token-bucket';
import { ms, type Benchmark, type Figure } from '../report';
import { summarise, timed } from '../stats';

const CONCURRENCY = 8;
const actor = { principal: { kind: 'user' as const, userId: randomUUID(), role: 'member' as const }, requestId: 'bench' };

async function throughput(n: number, op: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const [elapsed] = await timed(() =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
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
    const db = await createTestDatabase({ serverUrl, poolSize: CONCURRENCY });
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

      const figures: Figure[] = [
        { label: `consumeQuota per second (${n} consumes, ${CONCURRENCY} concurrent, one hot counter)`, value: consumeRate.toFixed(0) },
        { label: 'baseline: plain counter increment per second (same transaction shape)', value: plainRate.toFixed(0) },
        { label: 'ratio (consume / plain)', value: `${(consumeRate / plainRate).toFixed(2)}x` },
        { label: 'units granted = units consumed (exactness)', value: `${status!.used} of ${n}`, target: 'equal', met: status!.used === n },
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
          'PostgreSQL is the source of truth for quotas; a Redis fast path for consumes is not built (the rate limiter uses Redis).',
          redisUrl ? 'Redis figures against the REDIS_URL server.' : 'REDIS_URL not set: Redis limiter not measured in this run.',
        ],
      };
    } finally {
      await db.drop();
    }
  },
};

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
