import { withTenant } from '@tenantry/tenancy';
import {
  createMember,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
  type TestTenant,
  type TestUser,
} from '@tenantry/testing';

const CREATE = `mutation ($name: String!, $scopes: [String!]!, $expiresAt: DateTimeISO) {
  createApiKey(input: { name: $name, scopes: $scopes, expiresAt: $expiresAt }) { key apiKey { id name prefix scopes lastUsedAt } }
}`;
const MEMBERS = '{ membersConnection { edges { node { role user { email } } } } }';

type Created = { createApiKey: { key: string; apiKey: { id: string; prefix: string; scopes: string[] } } };

/** Partner API keys, verified by identity for the gateway, acting only in their tenant and scopes. */
describe('API keys through the gateway', () => {
  let db: TestDatabase;
  let stack: Stack;
  let tenant: TestTenant;
  let owner: TestUser;
  let ownerToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // No verification cache here, so revocation and expiry show at once (the cache has its own test).
    stack = await startStack(db.url, { API_KEY_CACHE_SECONDS: '0' });
    tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    owner = await createMember(db.dataSource, tenant.id, 'owner');
    ownerToken = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  async function createKey(scopes: string[], token = ownerToken, expiresAt?: string) {
    const res = await graphql<Created>(stack.gatewayUrl, CREATE, { token, variables: { name: 'Partner', scopes, expiresAt } });
    expect(errorCodes(res)).toEqual([]);
    return res.body.data!.createApiKey;
  }

  const withKey = (key: string, query: string, headers: Record<string, string> = {}) =>
    graphql(stack.gatewayUrl, query, { headers: { authorization: `ApiKey ${key}`, ...headers } });

  it('an admin creates a key that is shown once and stored only as prefix and hash', async () => {
    const { key, apiKey } = await createKey(['members:read']);
    expect(key).toMatch(new RegExp(`^tk_${apiKey.prefix}_`));
    const [row] = await db.dataSource.query(`SELECT * FROM platform.api_keys WHERE id = $1`, [apiKey.id]);
    // tk_<12-character prefix>_<secret>; the secret itself may contain '_'.
    expect(JSON.stringify(row)).not.toContain(key.slice(`tk_${apiKey.prefix}_`.length));
    const listed = await graphql(stack.gatewayUrl, '{ apiKeys { id prefix scopes } }', { token: ownerToken });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.data).toEqual({
      apiKeys: expect.arrayContaining([{ id: apiKey.id, prefix: apiKey.prefix, scopes: ['members:read'] }]),
    });
  });

  it('a key reads what its scopes allow in its own tenant, with either header', async () => {
    const { key } = await createKey(['members:read', 'usage:read']);
    const viaAuthorization = await withKey(key, MEMBERS);
    expect(errorCodes(viaAuthorization)).toEqual([]);
    expect(viaAuthorization.body.data).toEqual({
      membersConnection: { edges: [{ node: { role: 'OWNER', user: { email: owner.email } } }] },
    });
    const viaHeader = await graphql(stack.gatewayUrl, '{ usageCounters { resource } }', { headers: { 'x-api-key': key } });
    expect(errorCodes(viaHeader)).toEqual([]);
  });

  it.each([
    ['the audit trail', '{ auditEvents { edges { cursor } } }'],
    ['the current tenant', '{ currentTenant { id } }'],
    ['usage', '{ usageCounters { resource } }'],
    ["a person's own account", '{ me { id } }'],
    ['API key management', '{ apiKeys { id } }'],
  ])('a key without the scope for %s is FORBIDDEN', async (_label, query) => {
    const { key } = await createKey(['members:read']);
    expect(errorCodes(await withKey(key, query))).toEqual(['FORBIDDEN']);
  });

  it('a key with tenant:read and audit:read reads the tenant and its audit trail', async () => {
    const { key } = await createKey(['tenant:read', 'audit:read']);
    const res = await withKey(key, '{ currentTenant { id } auditEvents { edges { cursor } } }');
    expect(errorCodes(res)).toEqual([]);
    expect((res.body.data as { currentTenant: { id: string } }).currentTenant.id).toBe(tenant.id);
  });

  it('a key cannot create keys or change members', async () => {
    const { key } = await createKey(['members:read']);
    const res = await withKey(key, 'mutation { createApiKey(input: { name: "x", scopes: ["audit:read"] }) { key } }');
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });

  it('a key naming another tenant in X-Tenant-Id is refused with HTTP 403, and never reads that tenant', async () => {
    const { key } = await createKey(['members:read']);
    const other = await createTenant(db.dataSource);
    const res = await withKey(key, MEMBERS, { 'x-tenant-id': other.id });
    expect([res.status, errorCodes(res)]).toEqual([403, ['FORBIDDEN']]);
  });

  it.each([
    ['malformed', 'tk_nope'],
    ['well-formed but unknown', `tk_${'a'.repeat(12)}_${'b'.repeat(43)}`],
  ])('a %s key is refused with HTTP 401', async (_label, key) => {
    const res = await withKey(key, MEMBERS);
    expect([res.status, errorCodes(res)]).toEqual([401, ['UNAUTHENTICATED']]);
  });

  it('a key beside a bearer token is refused: one credential per request', async () => {
    const { key } = await createKey(['members:read']);
    const res = await graphql(stack.gatewayUrl, MEMBERS, { token: ownerToken, headers: { 'x-api-key': key } });
    expect([res.status, errorCodes(res)]).toEqual([401, ['UNAUTHENTICATED']]);
  });

  it('a key whose secret part is altered is refused, though its prefix is real', async () => {
    const { key } = await createKey(['members:read']);
    const altered = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await withKey(altered, MEMBERS)).status).toBe(401);
  });

  it('a revoked key is refused', async () => {
    const { key, apiKey } = await createKey(['members:read']);
    expect(errorCodes(await withKey(key, MEMBERS))).toEqual([]);
    const revoked = await graphql(stack.gatewayUrl, 'mutation ($id: ID!) { revokeApiKey(id: $id) }', {
      token: ownerToken,
      variables: { id: apiKey.id },
    });
    expect(revoked.body.data).toEqual({ revokeApiKey: true });
    expect((await withKey(key, MEMBERS)).status).toBe(401);
  });

  it('an expired key is refused, and an expiry in the past is refused at creation', async () => {
    const { key, apiKey } = await createKey(['members:read'], ownerToken, new Date(Date.now() + 60_000).toISOString());
    expect(errorCodes(await withKey(key, MEMBERS))).toEqual([]);
    await db.dataSource.query(`UPDATE platform.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [apiKey.id]);
    expect((await withKey(key, MEMBERS)).status).toBe(401);
    const past = await graphql(stack.gatewayUrl, CREATE, {
      token: ownerToken,
      variables: { name: 'Old', scopes: ['members:read'], expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    expect(errorCodes(past)).toEqual(['BAD_USER_INPUT']);
  });

  it('records when a key was last used', async () => {
    const { key, apiKey } = await createKey(['members:read']);
    await withKey(key, MEMBERS);
    const [row] = await db.dataSource.query(`SELECT last_used_at AS "lastUsedAt" FROM platform.api_keys WHERE id = $1`, [apiKey.id]);
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  it('only admins create keys, and only with known scopes', async () => {
    const manager = await createMember(db.dataSource, tenant.id, 'manager');
    const managerToken = await stack.token({ userId: manager.id, tenantId: tenant.id, role: 'manager' });
    const byManager = await graphql(stack.gatewayUrl, CREATE, { token: managerToken, variables: { name: 'x', scopes: ['members:read'] } });
    expect(errorCodes(byManager)).toEqual(['FORBIDDEN']);
    const unknown = await graphql(stack.gatewayUrl, CREATE, { token: ownerToken, variables: { name: 'x', scopes: ['root'] } });
    expect(unknown.body.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'scopes' }));
  });

  it("identity's verification endpoint answers only the gateway", async () => {
    const { key } = await createKey(['members:read']);
    const url = stack.subgraphUrls.identity.replace(/\/graphql$/, '/internal/api-keys/verify');
    const direct = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
    expect(direct.status).toBe(401);
    expect(await direct.text()).not.toContain(tenant.id);
  });

  it('no tenant role can read a key hash, even of its own keys', async () => {
    await createKey(['members:read']);
    await expect(withTenant(db.dataSource, tenant.id, (m) => m.query(`SELECT secret_hash FROM platform.api_keys`))).rejects.toThrow(
      /permission denied/,
    );
  });

  it('never logs a key', async () => {
    const { key } = await createKey(['members:read']);
    await withKey(key, MEMBERS);
    await withKey(`${key.slice(0, -1)}x`, MEMBERS);
    const secret = key.split('_')[2]!;
    expect(stack.logs.filter((line) => line.includes(secret))).toEqual([]);
  });
});

describe('API key verification cache at the gateway', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url, { API_KEY_CACHE_SECONDS: '30' });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('trusts a verified key for the cache period: a revocation bites within API_KEY_CACHE_SECONDS, not at once', async () => {
    const tenant = await createTenant(db.dataSource);
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const created = await graphql<Created>(stack.gatewayUrl, CREATE, { token, variables: { name: 'Cached', scopes: ['members:read'] } });
    const { key, apiKey } = created.body.data!.createApiKey;
    const headers = { 'x-api-key': key };
    expect(errorCodes(await graphql(stack.gatewayUrl, MEMBERS, { headers }))).toEqual([]);
    await db.dataSource.query(`UPDATE platform.api_keys SET revoked_at = now() WHERE id = $1`, [apiKey.id]);
    // Served from the cache: identity is not asked again within the period.
    expect(errorCodes(await graphql(stack.gatewayUrl, MEMBERS, { headers }))).toEqual([]);
  });
});
