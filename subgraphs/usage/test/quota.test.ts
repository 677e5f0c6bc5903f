import { loadPlanCatalog } from '@tenantry/plans';
import { RequestDatabase } from '@tenantry/tenancy';
import { createMember, createTenant, createTestDatabase, errorCodes, graphql, startStack, type TestDatabase } from '@tenantry/testing';
import type { Clock } from '../src/quota/period';
import { QuotaDomainError } from '../src/quota/quota.errors';
import { QuotaService } from '../src/quota/quota.service';
import { UsageAlertBus, type UsageAlert } from '../src/quota/usage-alert.bus';

const actor = {
  principal: { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000001', role: 'member' as const },
  requestId: 'req-quota-test',
};
const catalog = loadPlanCatalog();
const freeApiCalls = catalog.plans.find((p) => p.code === 'free')!.quotas.api_calls!;

class FakeClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return this.current;
  }
}

describe('quotas', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 8 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  function quotas(tenantId: string, clock: Clock = { now: () => new Date() }, alerts = new UsageAlertBus()) {
    return new QuotaService(new RequestDatabase(db.dataSource, tenantId), { clock, thresholds: [0.8, 0.95], alerts });
  }

  it(`grants exactly the limit to 1,000 concurrent consumers (free api_calls: ${freeApiCalls})`, async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const service = quotas(tenant.id);
    const each = freeApiCalls / 500;

    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => service.consume('api_calls', each, actor)));

    const granted = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && (r.reason as QuotaDomainError).code === 'QUOTA_EXCEEDED').length;
    expect(granted).toBe(500);
    expect(refused).toBe(500);
    const [status] = await service.statuses(['api_calls']);
    expect(status!.used).toBe(freeApiCalls);
    const events: { outcome: string; n: number }[] = await db.dataSource.query(
      `SELECT outcome, count(*)::int AS n FROM "tenant_${tenant.id.replace(/-/g, '')}".usage_events GROUP BY outcome ORDER BY outcome`,
    );
    expect(events).toEqual([
      { outcome: 'granted', n: 500 },
      { outcome: 'refused', n: 500 },
    ]);
  });

  it('grants exactly 500 of 1,000 concurrent single-unit consumes against a limit of 500, PostgreSQL alone', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    await db.dataSource.query(`INSERT INTO platform.tenant_quota_overrides (tenant_id, resource, quota) VALUES ($1, 'api_calls', 500)`, [
      tenant.id,
    ]);
    const service = quotas(tenant.id);

    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => service.consume('api_calls', 1, actor)));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(500);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as QuotaDomainError).code === 'QUOTA_EXCEEDED')).toHaveLength(500);
    expect((await service.statuses(['api_calls']))[0]).toMatchObject({ used: 500, remaining: 0 });
  });

  it('grants exactly 3 seats of 10 concurrent requests on the free plan, and gives seats back', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const service = quotas(tenant.id);

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => service.consume('users', 1, actor)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);

    const released = await service.release('users', 1);
    expect(released).toMatchObject({ used: 2, remaining: 1, resetsAt: null });
    await expect(service.release('api_calls', 1)).rejects.toMatchObject({ code: 'UNKNOWN_RESOURCE' });
  });

  it('refuses with the limit, current usage and reset time, and starts afresh in the next period', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const clock = new FakeClock(new Date('2026-11-30T23:59:00Z'));
    const service = quotas(tenant.id, clock);
    await service.consume('api_calls', freeApiCalls, actor);

    const refusal = await service.consume('api_calls', 1, actor).catch((e: QuotaDomainError) => e);
    expect(refusal).toBeInstanceOf(QuotaDomainError);
    expect((refusal as QuotaDomainError).refusal).toEqual({
      resource: 'api_calls',
      limit: freeApiCalls,
      used: freeApiCalls,
      requested: 1,
      resetsAt: new Date('2026-12-01T00:00:00Z'),
    });

    clock.current = new Date('2026-12-01T00:00:01Z');
    const december = await service.consume('api_calls', 1, actor);
    expect(december).toMatchObject({ used: 1, remaining: freeApiCalls - 1, periodStart: new Date('2026-12-01T00:00:00Z') });
  });

  it("follows the tenant's overrides: a lower limit, or none at all", async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    await db.dataSource.query(
      `INSERT INTO platform.tenant_quota_overrides (tenant_id, resource, quota) VALUES ($1, 'api_calls', 50), ($1, 'projects', NULL)`,
      [tenant.id],
    );
    const service = quotas(tenant.id);

    await service.consume('api_calls', 50, actor);
    const refusal = await service.consume('api_calls', 1, actor).catch((e: QuotaDomainError) => e);
    const projects = await service.consume('projects', 1_000, actor);

    expect((refusal as QuotaDomainError).refusal).toMatchObject({ limit: 50, used: 50 });
    expect(projects).toMatchObject({ used: 1_000, limit: null, remaining: null });
  });

  it('raises each threshold alert once per period, after the consumption commits', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const bus = new UsageAlertBus();
    const seen: UsageAlert[] = [];
    bus.onAlert((alert) => seen.push(alert));
    const service = quotas(tenant.id, { now: () => new Date() }, bus);

    await service.consume('api_calls', Math.round(freeApiCalls * 0.79), actor);
    expect(seen).toEqual([]);
    await service.consume('api_calls', Math.round(freeApiCalls * 0.17), actor); // 96%: crosses 80% and 95% at once
    await service.consume('api_calls', 1, actor);

    expect(seen.map((a) => a.threshold)).toEqual([0.8, 0.95]);
    expect(seen[0]).toMatchObject({
      tenantId: tenant.id,
      resource: 'api_calls',
      limit: freeApiCalls,
      used: Math.round(freeApiCalls * 0.96),
    });
    const stored: unknown[] = await db.dataSource.query(`SELECT threshold FROM "tenant_${tenant.id.replace(/-/g, '')}".usage_alerts`);
    expect(stored).toHaveLength(2);
  });

  it('refuses unknown resources and bad amounts with BAD_USER_INPUT through the gateway, and reports QUOTA_EXCEEDED details', async () => {
    const stack = await startStack(db.url);
    try {
      const tenant = await createTenant(db.dataSource, { plan: 'free' });
      const member = await createMember(db.dataSource, tenant.id, 'member');
      const token = await stack.token({ userId: member.id, tenantId: tenant.id, role: 'member' });
      const consume = (resource: string, amount: number) =>
        graphql(
          stack.gatewayUrl,
          `
            mutation ($r: String!, $a: Int!) {
              consumeQuota(input: { resource: $r, amount: $a }) {
                used
                remaining
                limit
                utilisation
              }
            }
          `,
          {
            token,
            variables: { r: resource, a: amount },
          },
        );

      expect(errorCodes(await consume('teleports', 1))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await consume('api_calls', 0))).toEqual(['BAD_USER_INPUT']);
      const ok = await consume('projects', 1);
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data).toEqual({ consumeQuota: { used: 1, remaining: 0, limit: 1, utilisation: 1 } });
      const refused = await consume('projects', 1);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        resource: 'projects',
        limit: 1,
        used: 1,
        requested: 1,
        resetsAt: null,
      });
    } finally {
      await stack.stop();
    }
  });
});
