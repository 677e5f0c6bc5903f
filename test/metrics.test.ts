import { createMember, createTenant, createTestDatabase, graphql, startStack, type Stack, type TestDatabase } from '@tenantry/testing';

describe('/metrics', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('exposes request, subgraph fetch, pool, quota and provisioning series in Prometheus text, without tenant ids', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'free' });
    const viewer = await createMember(db.dataSource, tenant.id, 'viewer');
    const member = await createMember(db.dataSource, tenant.id, 'member');
    const viewerToken = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
    const memberToken = await stack.token({ userId: member.id, tenantId: tenant.id, role: 'member' });
    await graphql(stack.gatewayUrl, 'query TenantRead { currentTenant { slug } }', { token: viewerToken });
    await graphql(stack.gatewayUrl, 'mutation Rename { renameTenant(input: { name: "x" }) { name } }', { token: viewerToken });
    await graphql(stack.gatewayUrl, 'mutation Take { consumeQuota(input: { resource: "projects", amount: 5 }) { used } }', {
      token: memberToken,
    });
    await graphql(stack.gatewayUrl, 'mutation Record { recordUsage(input: { resource: "api_calls", amount: 1 }) { used } }', {
      token: memberToken,
    });

    const gateway = await fetch(`${stack.gatewayBaseUrl}/metrics`);
    const subgraph = await fetch(stack.subgraphUrls.tenant.replace('/graphql', '/metrics'));
    const text = await gateway.text();

    expect(gateway.status).toBe(200);
    expect(gateway.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/tenantry_graphql_requests_total\{service="gateway",operation="TenantRead",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/tenantry_graphql_requests_total\{service="gateway",operation="Rename",outcome="FORBIDDEN"\} [1-9]/);
    expect(text).toMatch(
      /tenantry_graphql_request_duration_seconds_bucket\{le="0\.1",service="tenant",operation="TenantRead",outcome="ok"\}/,
    );
    expect(text).toMatch(/tenantry_subgraph_fetch_duration_seconds_count\{subgraph="tenant",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/tenantry_db_pool_connections\{service="tenant",state="total"\} \d/);
    expect(text).toMatch(/tenantry_quota_refusals_total\{resource="projects"\} [1-9]/);
    expect(text).toMatch(/tenantry_tenant_provision_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/tenantry_audit_append_duration_seconds_count [1-9]/);
    expect(text).toMatch(/tenantry_process_resident_memory_bytes \d/);
    expect(text).not.toContain(tenant.id);
    expect(subgraph.status).toBe(200);
  });
});
