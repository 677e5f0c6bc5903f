import { loadPlanCatalog } from '@tenantry/plans';
import { RequestDatabase } from '@tenantry/tenancy';
import { createMember, createTenant, createTestDatabase, errorCodes, graphql, startStack, type TestDatabase } from '@tenantry/testing';
import type { Clock } from '../src/quota/period';
import { QuotaService } from '../src/quota/quota.service';
import { UsageAlertBus } from '../src/quota/usage-alert.bus';
import { UsageReportService } from '../src/report/report.service';

const actor = {
  principal: { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000002', role: 'admin' as const },
  requestId: 'req-report',
};
const catalog = loadPlanCatalog();
const pro = catalog.plans.find((p) => p.code === 'pro')!;

class FakeClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return this.current;
  }
}

describe('usage reports', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  function services(tenantId: string, clock: Clock) {
    const requestDb = new RequestDatabase(db.dataSource, tenantId);
    return {
      quotas: new QuotaService(requestDb, { clock, thresholds: [0.8, 0.95], alerts: new UsageAlertBus() }),
      reports: new UsageReportService(requestDb, clock),
    };
  }

  it('buckets granted and refused units by UTC hour and day', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const clock = new FakeClock(new Date('2026-11-02T10:15:00Z'));
    const { quotas, reports } = services(tenant.id, clock);
    await quotas.consume('api_calls', 5, actor);
    clock.current = new Date('2026-11-02T10:45:00Z');
    await quotas.consume('api_calls', 7, actor);
    clock.current = new Date('2026-11-02T12:01:00Z');
    await quotas.consume('api_calls', 3, actor);
    await quotas.consume('projects', 1, actor);
    await quotas.consume('projects', 1, actor).catch(() => undefined); // refused: free has 1 project

    const hours = await reports.history('api_calls', 'hour', new Date('2026-11-02T00:00:00Z'), new Date('2026-11-03T00:00:00Z'));
    const days = await reports.history('projects', 'day', new Date('2026-11-01T00:00:00Z'), new Date('2026-11-04T00:00:00Z'));

    expect(hours).toEqual([
      { start: new Date('2026-11-02T10:00:00Z'), granted: 12, refused: 0 },
      { start: new Date('2026-11-02T12:00:00Z'), granted: 3, refused: 0 },
    ]);
    expect(days).toEqual([{ start: new Date('2026-11-02T00:00:00Z'), granted: 1, refused: 1 }]);
    await expect(reports.history('api_calls', 'hour', new Date('2026-01-01'), new Date('2026-12-31'))).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('bills plan price plus overage per resource, reproducibly, from stored usage', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'pro' });
    const clock = new FakeClock(new Date('2026-10-15T00:00:00Z'));
    const { quotas, reports } = services(tenant.id, clock);
    await quotas.consume('api_calls', 400_000, actor);
    await quotas.consume('storage_mb', 2_500, actor);
    clock.current = new Date('2026-11-03T00:00:00Z');
    await quotas.consume('api_calls', 250_000, actor);

    const october = await reports.billing('2026-10');
    const again = await reports.billing('2026-10');

    expect(again).toEqual(october);
    expect(october.plan).toBe('pro');
    expect(october.planPriceCents).toBe(pro.priceCents);
    expect(october.lines.find((l) => l.resource === 'api_calls')).toEqual({
      resource: 'api_calls',
      included: pro.quotas.api_calls,
      used: 400_000,
      overageUnits: 0,
      overageUnitCents: pro.overageCents.api_calls,
      overageCents: 0,
    });
    expect(october.totalCents).toBe(pro.priceCents);
    await expect(reports.billing('2026-13')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('charges overage beyond the included units at the plan price per unit', async () => {
    // Usage above the included amount happens after a downgrade or from imported history: seed it as stored events.
    const tenant = await createTenant(db.dataSource, { plan: 'pro' });
    const schema = `"tenant_${tenant.id.replace(/-/g, '')}"`;
    const over = 250_000;
    await db.dataSource.query(
      `INSERT INTO ${schema}.usage_events (resource, amount, outcome, actor_type, occurred_at)
       VALUES ('api_calls', $1, 'granted', 'system', '2026-08-10T00:00:00Z'), ('api_calls', 5, 'refused', 'system', '2026-08-11T00:00:00Z')`,
      [pro.quotas.api_calls! + over],
    );
    const { reports } = services(tenant.id, new FakeClock(new Date('2026-09-01T00:00:00Z')));

    const report = await reports.billing('2026-08');

    const expectedOverage = over * pro.overageCents.api_calls!;
    expect(report.lines.find((l) => l.resource === 'api_calls')).toEqual({
      resource: 'api_calls',
      included: pro.quotas.api_calls,
      used: pro.quotas.api_calls! + over,
      overageUnits: over,
      overageUnitCents: pro.overageCents.api_calls,
      overageCents: expectedOverage,
    });
    expect(report.totalCents).toBe(pro.priceCents + expectedOverage);
  });

  it('is healthy when idle, warning past 80% and critical past 95% or after refusals, with reasons', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const clock = new FakeClock(new Date('2026-11-20T08:00:00Z'));
    const { quotas, reports } = services(tenant.id, clock);
    const free = catalog.plans.find((p) => p.code === 'free')!;

    expect(await reports.health()).toEqual({ status: 'healthy', reasons: [] });
    await quotas.consume('api_calls', Math.round(free.quotas.api_calls! * 0.85), actor);
    expect(await reports.health()).toEqual({ status: 'warning', reasons: ['api_calls at 85% of its limit'] });
    await quotas.consume('projects', 1, actor);
    await quotas.consume('projects', 1, actor).catch(() => undefined);
    const critical = await reports.health();
    expect(critical.status).toBe('critical');
    expect(critical.reasons).toEqual(
      expect.arrayContaining([
        'projects at 100% of its limit',
        expect.stringMatching(/^1 of 3 consumption requests refused in the last hour/),
      ]),
    );
  });

  it('serves history, billing (admins only) and health through the gateway', async () => {
    const stack = await startStack(db.url);
    try {
      const tenant = await createTenant(db.dataSource, { plan: 'pro' });
      const admin = await createMember(db.dataSource, tenant.id, 'admin');
      const viewer = await createMember(db.dataSource, tenant.id, 'viewer');
      const adminToken = await stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' });
      const viewerToken = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
      await graphql(stack.gatewayUrl, 'mutation { consumeQuota(input: { resource: "api_calls", amount: 42 }) { used } }', {
        token: adminToken,
      });
      const month = new Date().toISOString().slice(0, 7);
      const billing = `{ billingReport(month: "${month}") { plan totalCents lines { resource used } } }`;
      const health =
        '{ tenantHealth { status reasons } usageHistory(resource: "api_calls", bucket: DAY, from: "2000-01-01T00:00:00Z", to: "2000-01-02T00:00:00Z") { granted } }';
      type Billing = { billingReport: { plan: string; lines: { resource: string; used: number }[] } };

      const asAdmin = await graphql<Billing>(stack.gatewayUrl, billing, { token: adminToken });
      const viewerBilling = await graphql(stack.gatewayUrl, billing, { token: viewerToken });
      const viewerHealth = await graphql(stack.gatewayUrl, health, { token: viewerToken });

      expect(errorCodes(asAdmin)).toEqual([]);
      expect(asAdmin.body.data!.billingReport.plan).toBe('pro');
      expect(asAdmin.body.data!.billingReport.lines).toContainEqual({ resource: 'api_calls', used: 42 });
      expect(errorCodes(viewerBilling)).toEqual(['FORBIDDEN']);
      expect(errorCodes(viewerHealth)).toEqual([]);
      expect(viewerHealth.body.data).toEqual({ tenantHealth: { status: 'HEALTHY', reasons: [] }, usageHistory: [] });
    } finally {
      await stack.stop();
    }
  });
});
