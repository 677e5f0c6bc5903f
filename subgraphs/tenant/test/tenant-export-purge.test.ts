import { migrateTenants, tenantGatedRoleName, tenantRoleName, tenantSchemaName } from '@tenantry/tenancy';
import { createMember, createStaff, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

const EXPORT = 'mutation { exportTenantData { format generatedAt json } }';
const PURGE = 'mutation P($id: ID!) { purgeTenant(tenantId: $id) { tenantId purged } }';
const CANCEL = `mutation C($id: ID!) { changeTenantStatus(input: { tenantId: $id, status: CANCELLED }) { status } }`;
const SECRET = 'smtp-secret-value-0042';

describe('export bundle and cancel -> purge (through the gateway)', () => {
  const fixture = useStack();
  let staffToken: string;
  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'platform_admin');
    staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'platform_admin' });
  });

  /** A pro tenant with an owner, a member, usage, a plain and a secret setting, and branding. */
  async function livedInTenant() {
    const tenant = await createTenant(fixture.db.dataSource, { plan: 'pro', name: 'Lived In' });
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
    const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const setup = await Promise.all([
      graphql(fixture.stack.gatewayUrl, 'mutation { recordUsage(input: { resource: "api_calls", amount: 7 }) { used } }', { token }),
      graphql(
        fixture.stack.gatewayUrl,
        'mutation { setTenantSetting(input: { key: "ui.week_starts_on", value: "\\"sunday\\"" }) { key } }',
        {
          token,
        },
      ),
      graphql(
        fixture.stack.gatewayUrl,
        `mutation { setTenantSetting(input: { key: "integrations.smtp_password", value: "\\"${SECRET}\\"" }) { key } }`,
        {
          token,
        },
      ),
      graphql(fixture.stack.gatewayUrl, 'mutation { updateTenantBranding(input: { primaryColor: "#112233" }) { primaryColor } }', {
        token,
      }),
    ]);
    expect(setup.map(errorCodes)).toEqual([[], [], [], []]);
    return { tenant, owner, member, token };
  }

  const exists = async (tenant: TestTenant) => {
    const [row] = await fixture.db.dataSource.query(
      // The role is named _rw while the tenant is active and _gated once cancelled (ADR 0029).
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema, EXISTS (SELECT 1 FROM pg_roles WHERE rolname IN ($2, $3)) AS role`,
      [tenantSchemaName(tenant.id), tenantRoleName(tenant.id), tenantGatedRoleName(tenant.id)],
    );
    return row as { schema: boolean; role: boolean };
  };

  it("gives an owner the tenant's data as one bundle, without secret values, and audits the export", async () => {
    const { tenant, owner, member, token } = await livedInTenant();
    const res = await graphql<{ exportTenantData: { format: string; json: string } }>(fixture.stack.gatewayUrl, EXPORT, { token });
    expect(errorCodes(res)).toEqual([]);
    const bundle = JSON.parse(res.body.data!.exportTenantData.json);
    expect(bundle).toMatchObject({
      format: 'tenantry-export/1',
      tenant: { id: tenant.id, name: 'Lived In', plan: 'pro', status: 'active' },
      branding: { primary_color: '#112233' },
      plan: { code: 'pro', features: ['api_access', 'core_analytics', 'custom_branding'] },
      usageCounters: [{ resource: 'api_calls', used: '7' }],
    });
    expect(bundle.members.map((m: { user_id: string; role: string }) => [m.user_id, m.role]).sort()).toEqual(
      [
        [owner.id, 'owner'],
        [member.id, 'member'],
      ].sort(),
    );
    expect(bundle.settings).toContainEqual({ key: 'ui.week_starts_on', secret: false, isSet: true, value: 'sunday' });
    expect(bundle.settings).toContainEqual({ key: 'integrations.smtp_password', secret: true, isSet: true });
    expect(res.body.data!.exportTenantData.json).not.toContain(SECRET);
    expect(bundle.auditEvents.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['usage.recorded', 'setting.changed', 'tenant.branding_updated']),
    );
    const [last] = await fixture.db.dataSource.query(
      `SELECT action, actor_id FROM "${tenantSchemaName(tenant.id)}".audit_events ORDER BY seq DESC LIMIT 1`,
    );
    expect(last).toEqual({ action: 'tenant.exported', actor_id: owner.id });
  });

  it('refuses the export to an admin with FORBIDDEN', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
    const res = await graphql(fixture.stack.gatewayUrl, EXPORT, {
      token: await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' }),
    });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });

  it('still exports once cancelled, while everything else is refused', async () => {
    const { tenant, token } = await livedInTenant();
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, CANCEL, { token: staffToken, variables: { id: tenant.id } }))).toEqual([]);
    const exported = await graphql<{ exportTenantData: { json: string } }>(fixture.stack.gatewayUrl, EXPORT, { token });
    const settings = await graphql(fixture.stack.gatewayUrl, '{ settings { key } }', { token });
    expect(errorCodes(exported)).toEqual([]);
    expect(JSON.parse(exported.body.data!.exportTenantData.json).tenant.status).toBe('cancelled');
    expect(settings.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TENANT_CANCELLED' });
  });

  it('refuses to purge a tenant that is not cancelled (CONFLICT) and leaves it whole', async () => {
    const { tenant } = await livedInTenant();
    const res = await graphql(fixture.stack.gatewayUrl, PURGE, { token: staffToken, variables: { id: tenant.id } });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'active', to: 'purged' });
    expect(await exists(tenant)).toEqual({ schema: true, role: true });
  });

  it('purges a cancelled tenant: schema, role and platform rows gone, tombstone scrubbed, recorded once; a rerun does nothing', async () => {
    const { tenant, owner, token } = await livedInTenant();
    await fixture.db.dataSource.query(
      `INSERT INTO platform.tenant_domains (domain, tenant_id, verification_token) VALUES ($1, $2, 'tok_0123456789abcdef0123456789abcdef')`,
      [`${tenant.slug}.example.com`, tenant.id],
    );
    await fixture.db.dataSource.query(`INSERT INTO platform.tenant_quota_overrides (tenant_id, resource, quota) VALUES ($1, 'users', 99)`, [
      tenant.id,
    ]);
    await graphql(fixture.stack.gatewayUrl, CANCEL, { token: staffToken, variables: { id: tenant.id } });
    const [before] = await fixture.db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM platform.memberships WHERE tenant_id = $1) AS members,
              (SELECT count(*)::int FROM platform.tenant_data_keys WHERE tenant_id = $1) AS keys,
              (SELECT count(*)::int FROM platform.tenant_branding WHERE tenant_id = $1) AS branding,
              (SELECT count(*)::int FROM platform.tenant_domains WHERE tenant_id = $1) AS domains,
              (SELECT count(*)::int FROM platform.tenant_quota_overrides WHERE tenant_id = $1) AS overrides`,
      [tenant.id],
    );
    expect(before).toEqual({ members: 2, keys: 1, branding: 1, domains: 1, overrides: 1 });

    const first = await graphql(fixture.stack.gatewayUrl, PURGE, { token: staffToken, variables: { id: tenant.id } });
    const second = await graphql(fixture.stack.gatewayUrl, PURGE, { token: staffToken, variables: { id: tenant.id } });

    expect(first.body.data).toEqual({ purgeTenant: { tenantId: tenant.id, purged: true } });
    expect(second.body.data).toEqual({ purgeTenant: { tenantId: tenant.id, purged: false } });
    expect(await exists(tenant)).toEqual({ schema: false, role: false });
    for (const table of [
      'memberships',
      'tenant_data_keys',
      'tenant_branding',
      'tenant_quota_overrides',
      'tenant_feature_overrides',
      'tenant_domains',
    ]) {
      const [{ n }] = await fixture.db.dataSource.query(`SELECT count(*)::int AS n FROM platform.${table} WHERE tenant_id = $1`, [
        tenant.id,
      ]);
      expect([table, n]).toEqual([table, 0]);
    }
    const [row] = await fixture.db.dataSource.query(`SELECT status, name, slug, admin_email FROM platform.tenants WHERE id = $1`, [
      tenant.id,
    ]);
    expect(row).toEqual({ status: 'purged', name: 'Purged tenant', slug: `purged-${tenant.id.replace(/-/g, '')}`, admin_email: null });
    const events = await fixture.db.dataSource.query(
      `SELECT action, actor_type FROM platform.tenant_lifecycle_events WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(events).toEqual([{ action: 'tenant.purged', actor_type: 'platform_staff' }]);

    // Its people can no longer reach it, and the slug is free again.
    const afterwards = await graphql(fixture.stack.gatewayUrl, '{ members { role } }', { token });
    const current = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { id } }', { token });
    expect(errorCodes(afterwards)).toEqual(['NOT_FOUND']);
    expect(current.body.data).toEqual({ currentTenant: null });
    const reused = await createTenant(fixture.db.dataSource, { slug: tenant.slug });
    expect(reused.slug).toBe(tenant.slug);
    const [stillAUser] = await fixture.db.dataSource.query(`SELECT id FROM platform.users WHERE id = $1`, [owner.id]);
    expect(stillAUser).toEqual({ id: owner.id });
  });

  it('leaves purged tenants out of migrate-all', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    await graphql(fixture.stack.gatewayUrl, CANCEL, { token: staffToken, variables: { id: tenant.id } });
    await graphql(fixture.stack.gatewayUrl, PURGE, { token: staffToken, variables: { id: tenant.id } });
    await fixture.db.dataSource.query(`UPDATE platform.tenants SET schema_version = 0 WHERE id = $1`, [tenant.id]);
    const report = await migrateTenants(fixture.db.dataSource);
    expect(report.outcomes.map((o) => o.tenantId)).not.toContain(tenant.id);
    expect(report.failed).toEqual([]);
  });

  it('refuses purge to tenant owners with FORBIDDEN', async () => {
    const { tenant, token } = await livedInTenant();
    const res = await graphql(fixture.stack.gatewayUrl, PURGE, { token, variables: { id: tenant.id } });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });
});
