import { loadPlanCatalog, syncPlanCatalog } from '@tenantry/plans';
import { tenantSchemaName } from '@tenantry/tenancy';
import { createMember, createStaff, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

const CHANGE_PLAN = `mutation P($input: ChangeTenantPlanInput!) { changeTenantPlan(input: $input) { plan features quotas { resource limit } } }`;
const QUOTA = `mutation Q($input: SetQuotaOverrideInput!) { setTenantQuotaOverride(input: $input) { quotas { resource limit overridden } } }`;
const FEATURE = `mutation F($input: SetFeatureOverrideInput!) { setTenantFeatureOverride(input: $input) { features } }`;

describe('plans as data (through the gateway)', () => {
  const fixture = useStack();
  let staffToken: string;
  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'platform_admin');
    staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'platform_admin' });
  });

  const audit = (tenant: TestTenant) =>
    fixture.db.dataSource.query(`SELECT action, actor_type, changes FROM "${tenantSchemaName(tenant.id)}".audit_events ORDER BY seq`);

  async function ownerOf(tenant: TestTenant) {
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    return fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
  }

  describe('the catalog in PostgreSQL', () => {
    it('holds every plan of config/plans.json, and a second sync changes nothing', async () => {
      const catalog = loadPlanCatalog();
      const before = await fixture.db.dataSource.query(`SELECT code, features, quotas, updated_at FROM platform.plans ORDER BY position`);
      await syncPlanCatalog(fixture.db.dataSource, catalog);
      const after = await fixture.db.dataSource.query(`SELECT code, features, quotas, updated_at FROM platform.plans ORDER BY position`);
      expect(after).toEqual(before);
      expect(after.map((p: { code: string }) => p.code)).toEqual(catalog.plans.map((p) => p.code));
      expect(after.find((p: { code: string }) => p.code === 'pro')).toMatchObject({
        features: ['core_analytics', 'custom_branding', 'api_access'],
        quotas: catalog.plans.find((p) => p.code === 'pro')!.quotas,
      });
    });

    it('retires a plan that leaves the file instead of deleting it, and revives it when it returns', async () => {
      const catalog = loadPlanCatalog();
      await syncPlanCatalog(fixture.db.dataSource, { ...catalog, plans: catalog.plans.filter((p) => p.code !== 'custom') });
      const [retired] = await fixture.db.dataSource.query(`SELECT retired FROM platform.plans WHERE code = 'custom'`);
      await syncPlanCatalog(fixture.db.dataSource, catalog);
      const [revived] = await fixture.db.dataSource.query(`SELECT retired FROM platform.plans WHERE code = 'custom'`);
      expect([retired.retired, revived.retired]).toEqual([true, false]);
    });

    it('serves the catalog to any signed-in caller', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      const res = await graphql<{ plans: { code: string; priceCents: number }[] }>(
        fixture.stack.gatewayUrl,
        '{ plans { code priceCents features } }',
        {
          token: await ownerOf(tenant),
        },
      );
      expect(res.body.data!.plans.map((p) => p.code)).toEqual(['free', 'pro', 'business', 'enterprise', 'custom']);
    });
  });

  describe('effective quotas and features', () => {
    it("are the plan's, with per-tenant overrides on top (audited)", async () => {
      const tenant = await createTenant(fixture.db.dataSource, { plan: 'free' });
      const token = await ownerOf(tenant);

      const raised = await graphql(fixture.stack.gatewayUrl, QUOTA, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, resource: 'users', limit: 50 } },
      });
      const unlimited = await graphql(fixture.stack.gatewayUrl, QUOTA, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, resource: 'projects', limit: null } },
      });
      const granted = await graphql(fixture.stack.gatewayUrl, FEATURE, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, feature: 'sso', enabled: true } },
      });
      const withheld = await graphql(fixture.stack.gatewayUrl, FEATURE, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, feature: 'core_analytics', enabled: false } },
      });
      expect([raised, unlimited, granted, withheld].map(errorCodes)).toEqual([[], [], [], []]);

      const res = await graphql<{
        currentTenant: { features: string[]; quotas: { resource: string; limit: number | null; overridden: boolean }[] };
      }>(fixture.stack.gatewayUrl, '{ currentTenant { features quotas { resource limit overridden period } } }', { token });
      expect(res.body.data!.currentTenant.features).toEqual(['sso']);
      expect(res.body.data!.currentTenant.quotas).toEqual([
        { resource: 'api_calls', limit: 10000, overridden: false, period: 'month' },
        { resource: 'api_calls_rate', limit: 1000, overridden: false, period: 'hour' },
        { resource: 'projects', limit: null, overridden: true, period: 'absolute' },
        { resource: 'storage_mb', limit: 100, overridden: false, period: 'absolute' },
        { resource: 'users', limit: 50, overridden: true, period: 'absolute' },
      ]);
      expect((await audit(tenant)).map((e: { action: string }) => e.action)).toEqual([
        'tenant.quota_overridden',
        'tenant.quota_overridden',
        'tenant.feature_overridden',
        'tenant.feature_overridden',
      ]);

      const removed = await graphql(fixture.stack.gatewayUrl, FEATURE, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, feature: 'core_analytics', enabled: null } },
      });
      expect(removed.body.data).toEqual({ setTenantFeatureOverride: { features: ['core_analytics', 'sso'] } });
    });

    it('refuses overrides to tenant owners (FORBIDDEN) and of undeclared resources (BAD_USER_INPUT)', async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      const asOwner = await graphql(fixture.stack.gatewayUrl, QUOTA, {
        token: await ownerOf(tenant),
        variables: { input: { tenantId: tenant.id, resource: 'users', limit: 1000 } },
      });
      const unknown = await graphql(fixture.stack.gatewayUrl, QUOTA, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, resource: 'rockets', limit: 1 } },
      });
      expect(errorCodes(asOwner)).toEqual(['FORBIDDEN']);
      expect(unknown.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_RESOURCE' });
    });
  });

  describe('changing plan', () => {
    /** A pro tenant with 4 people and 20 000 API calls this month: more than free allows. */
    async function busyProTenant() {
      const tenant = await createTenant(fixture.db.dataSource, { plan: 'pro' });
      const token = await ownerOf(tenant);
      for (let i = 0; i < 3; i++) await createMember(fixture.db.dataSource, tenant.id, 'member');
      const usage = await graphql(
        fixture.stack.gatewayUrl,
        'mutation { recordUsage(input: { resource: "api_calls", amount: 20000 }) { used } }',
        {
          token,
        },
      );
      expect(errorCodes(usage)).toEqual([]);
      return { tenant, token };
    }

    const planOf = async (tenant: TestTenant) =>
      (await fixture.db.dataSource.query(`SELECT plan FROM platform.tenants WHERE id = $1`, [tenant.id]))[0].plan as string;

    it('lets an owner upgrade their own tenant, atomically with its audit event', async () => {
      const tenant = await createTenant(fixture.db.dataSource, { plan: 'free' });
      const res = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, {
        token: await ownerOf(tenant),
        variables: { input: { plan: 'business' } },
      });
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toMatchObject({
        changeTenantPlan: { plan: 'business', features: expect.arrayContaining(['tenant_hierarchy']) },
      });
      expect((await audit(tenant)).at(-1)).toMatchObject({
        action: 'tenant.plan_changed',
        changes: { plan: { from: 'free', to: 'business' } },
      });
    });

    it('refuses a downgrade that current usage violates, listing every offending limit, and changes nothing', async () => {
      const { tenant, token } = await busyProTenant();
      const eventsBefore = (await audit(tenant)).length;
      const res = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, { token, variables: { input: { plan: 'free' } } });
      expect(errorCodes(res)).toEqual(['QUOTA_EXCEEDED']);
      expect(res.body.errors![0]!.extensions).toMatchObject({
        reason: 'USAGE_EXCEEDS_PLAN',
        plan: 'free',
        violations: [
          { resource: 'api_calls', limit: 10000, used: 20000 },
          { resource: 'users', limit: 3, used: 4 },
        ],
      });
      expect(res.body.errors![0]!.message).toContain('users (limit 3, used 4)');
      expect(await planOf(tenant)).toBe('pro');
      expect((await audit(tenant)).length).toBe(eventsBefore);
    });

    it('takes per-tenant overrides of the target plan into account', async () => {
      const { tenant, token } = await busyProTenant();
      await graphql(fixture.stack.gatewayUrl, QUOTA, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, resource: 'users', limit: 10 } },
      });
      await graphql(fixture.stack.gatewayUrl, QUOTA, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, resource: 'api_calls', limit: null } },
      });
      const res = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, { token, variables: { input: { plan: 'free' } } });
      expect(errorCodes(res)).toEqual([]);
      expect(await planOf(tenant)).toBe('free');
    });

    it('lets platform staff force the downgrade, audited with the violations; owners cannot force', async () => {
      const { tenant, token } = await busyProTenant();
      const ownerForce = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, {
        token,
        variables: { input: { plan: 'free', force: true } },
      });
      expect(errorCodes(ownerForce)).toEqual(['FORBIDDEN']);

      const forced = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, {
        token: staffToken,
        variables: { input: { tenantId: tenant.id, plan: 'free', force: true } },
      });
      expect(errorCodes(forced)).toEqual([]);
      expect(await planOf(tenant)).toBe('free');
      expect((await audit(tenant)).at(-1)).toEqual({
        action: 'tenant.plan_changed_forced',
        actor_type: 'platform_staff',
        changes: {
          plan: { from: 'pro', to: 'free' },
          violations: {
            to: [
              { resource: 'api_calls', limit: 10000, used: 20000 },
              { resource: 'users', limit: 3, used: 4 },
            ],
          },
        },
      });
    });

    it("refuses another tenant's plan to an owner as NOT_FOUND, and an unknown plan as BAD_USER_INPUT", async () => {
      const mine = await createTenant(fixture.db.dataSource);
      const theirs = await createTenant(fixture.db.dataSource, { plan: 'pro' });
      const token = await ownerOf(mine);
      const foreign = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, {
        token,
        variables: { input: { tenantId: theirs.id, plan: 'free' } },
      });
      const unknown = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, { token, variables: { input: { plan: 'platinum' } } });
      expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
      expect(unknown.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_PLAN' });
      expect(await planOf(theirs)).toBe('pro');
    });

    it("refuses a suspended tenant's owner with TENANT_SUSPENDED", async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      const token = await ownerOf(tenant);
      await fixture.db.dataSource.query(`UPDATE platform.tenants SET status = 'suspended' WHERE id = $1`, [tenant.id]);
      const res = await graphql(fixture.stack.gatewayUrl, CHANGE_PLAN, { token, variables: { input: { plan: 'pro' } } });
      expect(errorCodes(res)).toEqual(['TENANT_SUSPENDED']);
    });
  });
});
