import type { Config } from '@jest/types';
import { randomUUID } from 'node:crypto';
import { generateSigningJwk, importSigningKey, issueAccessToken, signContextToken } from '@tenantry/auth';
import {
  createMember,
  createStaff,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type GraphQLResponse,
  type Stack,
  type SubgraphName,
  type TestDatabase,
  type TestTenant,
  type TestUser,
} from '@tenantry/testing';

/** A stack frame as V8 prints it (`at fn (file.ts:12:3)`), or Apollo's stacktrace extension. */
const STACK_TRACE = /stacktrace|\bat .+\.(?:ts|js):\d+/i;

/** Fake only the clock (jose reads `new Date()`), so HTTP and timers keep running for real. */
const ALL_BUT_DATE: Config.FakeableAPI[] = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];

const ENTITY_QUERY = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';

/** One ordinary root field per subgraph, and the entity type it owns or extends (audit has none). */
const SUBGRAPHS: Record<SubgraphName, { query: string; entity?: string }> = {
  tenant: { query: '{ currentTenant { id } }', entity: 'Tenant' },
  identity: { query: '{ me { id } }', entity: 'User' },
  usage: { query: '{ usageCounters { resource } }', entity: 'Tenant' },
  audit: { query: '{ auditEvents { edges { cursor } } }' },
};

/** Guards the expired-context case against passing for another reason: the token really has expired. */
function expired(token: string): string {
  const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
  expect(exp).toBeLessThan(Date.now() / 1000);
  expect(exp - iat).toBe(60);
  return token;
}

function expectUnauthenticated(res: GraphQLResponse<unknown>): void {
  expect({ status: res.status, codes: errorCodes(res), data: res.body.data ?? null }).toEqual({
    status: 401,
    codes: ['UNAUTHENTICATED'],
    data: null,
  });
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers });
}

describe('gateway edge', () => {
  let db: TestDatabase;
  let stack: Stack;
  let tenant: TestTenant;
  let otherTenant: TestTenant;
  let owner: TestUser;
  let viewer: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
    tenant = await createTenant(db.dataSource);
    otherTenant = await createTenant(db.dataSource);
    owner = await createMember(db.dataSource, tenant.id, 'owner');
    viewer = await createMember(db.dataSource, tenant.id, 'viewer');
    member = await createMember(db.dataSource, tenant.id, 'member');
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  describe('subgraphs answer only the gateway', () => {
    /** Each way a caller might try to reach a subgraph without the gateway's valid signature. */
    const contextHeaders: [string, () => Promise<Record<string, string>>][] = [
      ['no signed context', async () => ({})],
      [
        'a context signed by a different key',
        async () => {
          const foreign = await importSigningKey(JSON.stringify((await generateSigningJwk()).privateJwk));
          const token = await signContextToken(foreign, {
            requestId: 'forged-request-1',
            tenantId: tenant.id,
            principal: { kind: 'user', userId: owner.id, role: 'owner', platformRole: 'platform_admin' },
          });
          return { 'x-tenantry-context': token };
        },
      ],
      [
        'an expired context',
        async () => {
          // Signed with the gateway's own key, but 2 minutes ago (TTL 60 s, max age 65 s).
          jest.useFakeTimers({ now: Date.now() - 120_000, doNotFake: ALL_BUT_DATE });
          let token: string;
          try {
            token = await stack.contextToken({
              requestId: 'expired-request-1',
              tenantId: tenant.id,
              principal: { kind: 'user', userId: owner.id, role: 'owner' },
            });
          } finally {
            jest.useRealTimers();
          }
          return { 'x-tenantry-context': expired(token) };
        },
      ],
      ['a garbage context header', async () => ({ 'x-tenantry-context': 'garbage.not-a-jwt' })],
    ];

    const operations = (Object.keys(SUBGRAPHS) as SubgraphName[]).flatMap((name) => [
      [name, 'a normal query', SUBGRAPHS[name].query] as const,
      [name, '_service { sdl }', '{ _service { sdl } }'] as const,
      ...(SUBGRAPHS[name].entity ? [[name, '_entities', ENTITY_QUERY] as const] : []),
    ]);

    describe.each(contextHeaders)('with %s', (_label, headersFor) => {
      it.each(operations)('the %s subgraph refuses %s with HTTP 401 UNAUTHENTICATED', async (name, kind, query) => {
        const headers = await headersFor();
        const variables = kind === '_entities' ? { representations: [{ __typename: SUBGRAPHS[name].entity, id: tenant.id }] } : {};
        const res = await graphql(stack.subgraphUrls[name], query, { headers, variables });
        expectUnauthenticated(res);
        expect(JSON.stringify(res.body)).not.toMatch(STACK_TRACE);
      });
    });

    it.each(Object.keys(SUBGRAPHS) as SubgraphName[])('the %s subgraph serves _service to a valid gateway context', async (name) => {
      const token = await stack.contextToken({ requestId: 'valid-request-1', principal: { kind: 'anonymous' } });
      const res = await graphql<{ _service: { sdl: string } }>(stack.subgraphUrls[name], '{ _service { sdl } }', {
        headers: { 'x-tenantry-context': token },
      });
      expect(res.status).toBe(200);
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data?._service.sdl).toContain('type Query');
    });
  });

  describe('entities behind a valid gateway context', () => {
    it("the tenant subgraph resolves the caller's own tenant and nothing else", async () => {
      const token = await stack.contextToken({
        requestId: 'entities-request-1',
        tenantId: tenant.id,
        principal: { kind: 'user', userId: owner.id, role: 'owner' },
      });
      const res = await graphql(
        stack.subgraphUrls.tenant,
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Tenant { id slug } } }',
        {
          headers: { 'x-tenantry-context': token },
          variables: {
            representations: [
              { __typename: 'Tenant', id: tenant.id },
              { __typename: 'Tenant', id: otherTenant.id },
            ],
          },
        },
      );
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toEqual({ _entities: [{ id: tenant.id, slug: tenant.slug }, null] });
    });
  });

  describe('caller authentication at the gateway', () => {
    it('an anonymous caller asking for the current tenant gets UNAUTHENTICATED', async () => {
      const res = await graphql(stack.gatewayUrl, '{ currentTenant { id } }');
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.body.data?.currentTenant ?? null).toBeNull();
    });

    it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', 'bearer lowercase.scheme.token', 'Token abc.def.ghi'])(
      'a malformed Authorization header (%s) is refused with HTTP 401 UNAUTHENTICATED',
      async (authorization) => {
        const res = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { headers: { authorization } });
        expectUnauthenticated(res);
      },
    );

    it('an access token signed by a key identity does not publish is refused with HTTP 401 UNAUTHENTICATED', async () => {
      const foreign = await importSigningKey(JSON.stringify((await generateSigningJwk()).privateJwk));
      const token = await issueAccessToken(foreign, { userId: owner.id, tenantId: tenant.id, role: 'owner' }, 300);
      expectUnauthenticated(await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { token }));
    });

    it('an access token with a tampered payload is refused with HTTP 401 UNAUTHENTICATED', async () => {
      const token = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'owner' })).toString('base64url');
      expectUnauthenticated(await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { token: `${header}.${promoted}.${signature}` }));
    });

    it('an expired access token is refused with HTTP 401 UNAUTHENTICATED', async () => {
      const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' }, -30);
      expectUnauthenticated(await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { token }));
    });

    it('a token for one tenant with X-Tenant-Id naming another is refused with HTTP 403 FORBIDDEN', async () => {
      const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const res = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { token, headers: { 'x-tenant-id': otherTenant.id } });
      expect({ status: res.status, codes: errorCodes(res), data: res.body.data ?? null }).toEqual({
        status: 403,
        codes: ['FORBIDDEN'],
        data: null,
      });
    });

    it('a token with X-Tenant-Id naming the same tenant is served', async () => {
      const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const res = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { token, headers: { 'x-tenant-id': tenant.id } });
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toEqual({ currentTenant: { id: tenant.id } });
    });
  });

  describe('errors a caller sees', () => {
    it.each([
      ['a viewer renaming the tenant', 'viewer', 'mutation { renameTenant(input: { name: "Hijacked" }) { id } }'],
      ['a member reading the audit trail', 'member', '{ auditEvents { edges { cursor } } }'],
      [
        'a tenant owner without platform role creating a tenant',
        'owner',
        'mutation { createTenant(input: { slug: "not-allowed", name: "Nope" }) { id } }',
      ],
    ] as const)('%s is FORBIDDEN, with no stack trace anywhere in the response', async (_label, role, query) => {
      const user = { viewer, member, owner }[role];
      const token = await stack.token({ userId: user.id, tenantId: tenant.id, role });
      const res = await graphql(stack.gatewayUrl, query, { token });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(res.body)).not.toMatch(STACK_TRACE);
    });

    it("the denied rename did not change the tenant's name", async () => {
      const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const res = await graphql<{ currentTenant: { name: string } }>(stack.gatewayUrl, '{ currentTenant { name } }', { token });
      expect(res.body.data?.currentTenant.name).not.toBe('Hijacked');
    });

    it("changing the role of someone who is not a member is the resolver's NOT_FOUND, not FORBIDDEN", async () => {
      const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const res = await graphql(
        stack.gatewayUrl,
        'mutation ($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { role } }',
        {
          token,
          variables: { input: { userId: randomUUID(), role: 'MEMBER' } },
        },
      );
      expect(errorCodes(res)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(res.body)).not.toMatch(STACK_TRACE);
    });

    it("creating a tenant with an invalid slug is the resolver's BAD_USER_INPUT naming the field", async () => {
      const admin = await createStaff(db.dataSource, 'platform_admin');
      const token = await stack.token({ userId: admin.id, platformRole: 'platform_admin' });
      const res = await graphql(stack.gatewayUrl, 'mutation { createTenant(input: { slug: "Not A Slug!", name: "Bad" }) { id } }', {
        token,
      });
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ field: 'slug' });
    });

    it("asking for 1000 members is the resolver's BAD_USER_INPUT naming the limit", async () => {
      const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const res = await graphql(stack.gatewayUrl, '{ members(first: 1000) { role } }', { token });
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors?.[0]?.message).toContain('100');
      expect(JSON.stringify(res.body)).not.toMatch(STACK_TRACE);
    });
  });

  describe('request ids', () => {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

    it('a served request, a refused request and a denied request each carry an x-request-id', async () => {
      const token = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
      const served = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { token });
      const refused = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { headers: { authorization: 'Basic x' } });
      const denied = await graphql(stack.gatewayUrl, 'mutation { renameTenant(input: { name: "x" }) { id } }', { token });
      expect([served.status, refused.status, errorCodes(denied)]).toEqual([200, 401, ['FORBIDDEN']]);
      for (const res of [served, refused, denied]) expect(res.headers.get('x-request-id')).toMatch(UUID);
      const ids = new Set([served, refused, denied].map((r) => r.headers.get('x-request-id')));
      expect(ids.size).toBe(3);
    });

    it('health and readiness responses carry an x-request-id too', async () => {
      const health = await get(`${stack.gatewayBaseUrl}/healthz`);
      const ready = await get(`${stack.gatewayBaseUrl}/readyz`);
      expect([health.headers.get('x-request-id'), ready.headers.get('x-request-id')]).toEqual([
        expect.stringMatching(UUID),
        expect.stringMatching(UUID),
      ]);
    });

    it("echoes a caller's safe x-request-id", async () => {
      const requestId = `client-${randomUUID()}`;
      const res = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { headers: { 'x-request-id': requestId } });
      expect(res.headers.get('x-request-id')).toBe(requestId);
    });

    it.each([
      ['containing spaces', 'id with spaces in it'],
      ['longer than 128 characters', 'a'.repeat(129)],
      ['too short to be unique', 'abc'],
      ['carrying markup', '<script>alert(1)</script>'],
      ['carrying a forged JSON log field', 'x","tenantId":"00000000'],
    ])('replaces an unsafe x-request-id %s with its own', async (_label, unsafe) => {
      const res = await graphql(stack.gatewayUrl, '{ currentTenant { id } }', { headers: { 'x-request-id': unsafe } });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    });
  });

  describe('health', () => {
    it('/healthz answers 200', async () => {
      const res = await get(`${stack.gatewayBaseUrl}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', service: 'gateway' });
    });

    it('/readyz answers 200 with all four subgraphs ready', async () => {
      const res = await get(`${stack.gatewayBaseUrl}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ready',
        subgraphs: { tenant: 'ready', identity: 'ready', usage: 'ready', audit: 'ready' },
      });
    });
  });

  describe('outside production', () => {
    it('introspection works', async () => {
      const res = await graphql<{ __schema: { types: { name: string }[] } }>(stack.gatewayUrl, '{ __schema { types { name } } }');
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data?.__schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(['Tenant', 'Membership', 'AuditEvent']));
    });

    it('a browser opening /graphql gets the Sandbox landing page', async () => {
      const res = await get(stack.gatewayUrl, { accept: 'text/html' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toMatch(/sandbox/i);
    });
  });

  describe('in production', () => {
    let production: Stack;
    beforeAll(async () => {
      production = await startStack(db.url, { NODE_ENV: 'production' });
    });
    afterAll(async () => {
      await production?.stop();
    });

    it('introspection is refused', async () => {
      const res = await graphql(production.gatewayUrl, '{ __schema { types { name } } }');
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
      expect(res.body.data ?? null).toBeNull();
      expect(JSON.stringify(res.body)).not.toContain('Membership');
    });

    it('a browser opening /graphql does not get the Sandbox landing page', async () => {
      const res = await get(production.gatewayUrl, { accept: 'text/html' });
      expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(await res.text()).not.toMatch(/sandbox/i);
    });

    it('ordinary queries are still served', async () => {
      const token = await production.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const res = await graphql(production.gatewayUrl, '{ currentTenant { id } }', { token });
      expect(errorCodes(res)).toEqual([]);
      expect(res.body.data).toEqual({ currentTenant: { id: tenant.id } });
    });
  });

  describe('platform staff', () => {
    it("a platform admin creates a tenant through the gateway, and the tenant's schema exists", async () => {
      const admin = await createStaff(db.dataSource, 'platform_admin');
      const token = await stack.token({ userId: admin.id, platformRole: 'platform_admin' });
      const slug = `edge-${randomUUID().slice(0, 8)}`;
      const res = await graphql<{ createTenant: { id: string; slug: string; name: string } }>(
        stack.gatewayUrl,
        'mutation ($input: CreateTenantInput!) { createTenant(input: $input) { id slug name } }',
        { token, variables: { input: { slug, name: 'Edge Co' } } },
      );
      expect(errorCodes(res)).toEqual([]);
      const created = res.body.data!.createTenant;
      expect(created).toEqual({ id: expect.any(String), slug, name: 'Edge Co' });
      const schemas: { nspname: string }[] = await db.dataSource.query('SELECT nspname FROM pg_namespace WHERE nspname = $1', [
        `tenant_${created.id.replace(/-/g, '')}`,
      ]);
      expect(schemas).toHaveLength(1);
    });

    it('support staff cannot create a tenant', async () => {
      const support = await createStaff(db.dataSource, 'support');
      const token = await stack.token({ userId: support.id, platformRole: 'support' });
      const res = await graphql(stack.gatewayUrl, 'mutation { createTenant(input: { slug: "support-made", name: "No" }) { id } }', {
        token,
      });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    });
  });
});
