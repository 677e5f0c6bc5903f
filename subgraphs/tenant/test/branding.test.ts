import { tenantSchemaName } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, useStack } from '@tenantry/testing';

const UPDATE = `mutation B($input: UpdateTenantBrandingInput!) { updateTenantBranding(input: $input) { logoUrl primaryColor accentColor customCss } }`;

describe('tenant branding (through the gateway)', () => {
  const fixture = useStack();

  async function tenantWith(plan: string, role: 'admin' | 'member' = 'admin') {
    const tenant = await createTenant(fixture.db.dataSource, { plan });
    const user = await createMember(fixture.db.dataSource, tenant.id, role);
    return { tenant, token: await fixture.stack.token({ userId: user.id, tenantId: tenant.id, role }) };
  }

  it('lets an admin on a plan with custom_branding set logo, colours and CSS, shown on Tenant and audited', async () => {
    const { tenant, token } = await tenantWith('pro');
    const res = await graphql(fixture.stack.gatewayUrl, UPDATE, {
      token,
      variables: { input: { logoUrl: 'https://cdn.example.com/logo.svg', primaryColor: '#1A2B3C', customCss: '.header{color:#fff}' } },
    });
    expect(errorCodes(res)).toEqual([]);
    const read = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { branding { logoUrl primaryColor accentColor customCss } } }', {
      token,
    });
    expect(read.body.data).toEqual({
      currentTenant: {
        branding: {
          logoUrl: 'https://cdn.example.com/logo.svg',
          primaryColor: '#1a2b3c',
          accentColor: null,
          customCss: '.header{color:#fff}',
        },
      },
    });
    const events = await fixture.db.dataSource.query(`SELECT action, changes FROM "${tenantSchemaName(tenant.id)}".audit_events`);
    expect(events).toEqual([
      {
        action: 'tenant.branding_updated',
        changes: {
          logoUrl: { from: null, to: 'https://cdn.example.com/logo.svg' },
          primaryColor: { from: null, to: '#1a2b3c' },
          customCss: { from: null, to: 19 },
        },
      },
    ]);
  });

  it('refuses a plan without custom_branding with FEATURE_NOT_IN_PLAN, and a member with FORBIDDEN', async () => {
    const free = await tenantWith('free');
    const member = await tenantWith('pro', 'member');
    const onFree = await graphql(fixture.stack.gatewayUrl, UPDATE, {
      token: free.token,
      variables: { input: { primaryColor: '#000000' } },
    });
    const asMember = await graphql(fixture.stack.gatewayUrl, UPDATE, {
      token: member.token,
      variables: { input: { primaryColor: '#000000' } },
    });
    expect(onFree.body.errors![0]!.extensions).toMatchObject({ code: 'FEATURE_NOT_IN_PLAN', feature: 'custom_branding' });
    expect(errorCodes(asMember)).toEqual(['FORBIDDEN']);
    const rows = await fixture.db.dataSource.query(`SELECT * FROM platform.tenant_branding WHERE tenant_id = ANY($1::uuid[])`, [
      [free.tenant.id, member.tenant.id],
    ]);
    expect(rows).toEqual([]);
  });

  it('follows a per-tenant feature override: granted on free, the update goes through', async () => {
    const { tenant, token } = await tenantWith('free');
    await fixture.db.dataSource.query(
      `INSERT INTO platform.tenant_feature_overrides (tenant_id, feature, enabled) VALUES ($1, 'custom_branding', true)`,
      [tenant.id],
    );
    const res = await graphql(fixture.stack.gatewayUrl, UPDATE, { token, variables: { input: { accentColor: '#ABCDEF' } } });
    expect(res.body.data).toEqual({ updateTenantBranding: { logoUrl: null, primaryColor: null, accentColor: '#abcdef', customCss: null } });
  });

  it('refuses CSS over 10 KiB and CSS that escapes the style element with BAD_USER_INPUT', async () => {
    const { token } = await tenantWith('business');
    const big = await graphql(fixture.stack.gatewayUrl, UPDATE, {
      token,
      variables: { input: { customCss: `a{}${' '.repeat(10 * 1024)}` } },
    });
    const escape = await graphql(fixture.stack.gatewayUrl, UPDATE, {
      token,
      variables: { input: { customCss: '</style><script>alert(1)</script>' } },
    });
    expect(big.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CSS_TOO_LARGE', limit: 10240 });
    expect(escape.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CSS_NOT_ALLOWED' });
  });
});
