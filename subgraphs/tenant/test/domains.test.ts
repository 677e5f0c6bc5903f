import { Resolver } from 'node:dns/promises';
import { tenantSchemaName } from '@tenantry/tenancy';
import {
  createMember,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  startTxtDnsServer,
  type Stack,
  type TestDatabase,
  type TxtDnsServer,
} from '@tenantry/testing';

const ADD = `mutation A($domain: String!) { addTenantDomain(domain: $domain) { domain verified verificationRecordName verificationRecordValue } }`;
const VERIFY = `mutation V($domain: String!) { verifyTenantDomain(domain: $domain) { domain verified verifiedAt } }`;

describe('custom domains verified by DNS TXT (through the gateway, real DNS over UDP)', () => {
  let db: TestDatabase;
  let stack: Stack;
  let dns: TxtDnsServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    dns = await startTxtDnsServer();
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([dns.address]);
    stack = await startStack(db.url, {}, { tenant: { dnsResolver: resolver } });
  });
  afterAll(async () => {
    await stack?.stop();
    await dns?.stop();
    await db?.drop();
  });

  async function adminOf(plan: string) {
    const tenant = await createTenant(db.dataSource, { plan });
    const admin = await createMember(db.dataSource, tenant.id, 'admin');
    return { tenant, token: await stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' }) };
  }

  it('claims a domain, refuses verification until the TXT record is published, then verifies it (audited)', async () => {
    const { tenant, token } = await adminOf('business');
    const added = await graphql<{ addTenantDomain: { verificationRecordName: string; verificationRecordValue: string } }>(
      stack.gatewayUrl,
      ADD,
      {
        token,
        variables: { domain: 'App.Acme-Corp.example' },
      },
    );
    expect(errorCodes(added)).toEqual([]);
    const { verificationRecordName: name, verificationRecordValue: value } = added.body.data!.addTenantDomain;
    expect(added.body.data!.addTenantDomain).toMatchObject({
      verified: false,
      verificationRecordName: '_tenantry-challenge.app.acme-corp.example',
    });
    expect(value).toMatch(/^tenantry-verification=[A-Za-z0-9_-]{32}$/);

    const missing = await graphql(stack.gatewayUrl, VERIFY, { token, variables: { domain: 'app.acme-corp.example' } });
    expect(missing.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TXT_RECORD_NOT_FOUND', record: name });

    dns.records.set(name, ['some-other=thing', 'tenantry-verification=not-the-token-at-all-000000000']);
    const wrong = await graphql(stack.gatewayUrl, VERIFY, { token, variables: { domain: 'app.acme-corp.example' } });
    expect(wrong.body.errors![0]!.extensions).toMatchObject({ reason: 'TXT_RECORD_NOT_FOUND' });

    dns.records.set(name, ['some-other=thing', value]);
    const verified = await graphql(stack.gatewayUrl, VERIFY, { token, variables: { domain: 'app.acme-corp.example' } });
    expect(errorCodes(verified)).toEqual([]);
    expect(verified.body.data).toMatchObject({ verifyTenantDomain: { domain: 'app.acme-corp.example', verified: true } });

    const listed = await graphql(stack.gatewayUrl, '{ currentTenant { domains { domain verified } } }', { token });
    expect(listed.body.data).toEqual({ currentTenant: { domains: [{ domain: 'app.acme-corp.example', verified: true }] } });
    const events = await db.dataSource.query(`SELECT action FROM "${tenantSchemaName(tenant.id)}".audit_events ORDER BY seq`);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['tenant.domain_added', 'tenant.domain_verified']);
  });

  it("refuses a domain another tenant claimed (CONFLICT), and hides that tenant's claim (NOT_FOUND)", async () => {
    const first = await adminOf('business');
    const second = await adminOf('business');
    await graphql(stack.gatewayUrl, ADD, { token: first.token, variables: { domain: 'shared.example.org' } });
    const again = await graphql(stack.gatewayUrl, ADD, { token: second.token, variables: { domain: 'shared.example.org' } });
    const verifyTheirs = await graphql(stack.gatewayUrl, VERIFY, { token: second.token, variables: { domain: 'shared.example.org' } });
    expect(again.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'DOMAIN_TAKEN' });
    expect(errorCodes(verifyTheirs)).toEqual(['NOT_FOUND']);
  });

  it('needs custom_domains in the plan (FEATURE_NOT_IN_PLAN) and a valid host name (BAD_USER_INPUT)', async () => {
    const pro = await adminOf('pro');
    const business = await adminOf('business');
    const noFeature = await graphql(stack.gatewayUrl, ADD, { token: pro.token, variables: { domain: 'pro.example.com' } });
    const invalid = await graphql(stack.gatewayUrl, ADD, { token: business.token, variables: { domain: 'https://evil.example.com/x' } });
    expect(noFeature.body.errors![0]!.extensions).toMatchObject({ code: 'FEATURE_NOT_IN_PLAN', feature: 'custom_domains' });
    expect(invalid.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DOMAIN' });
  });

  it('releases a domain so another tenant can claim it', async () => {
    const first = await adminOf('business');
    const second = await adminOf('business');
    await graphql(stack.gatewayUrl, ADD, { token: first.token, variables: { domain: 'moving.example.net' } });
    const removed = await graphql(stack.gatewayUrl, 'mutation { removeTenantDomain(domain: "moving.example.net") }', {
      token: first.token,
    });
    const claimed = await graphql(stack.gatewayUrl, ADD, { token: second.token, variables: { domain: 'moving.example.net' } });
    expect(removed.body.data).toEqual({ removeTenantDomain: true });
    expect(errorCodes(claimed)).toEqual([]);
  });
});
