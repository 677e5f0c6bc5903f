import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createMember, createTenant, errorCodes, graphql, type GraphQLResponse, type TestTenant, useStack } from '@tenantry/testing';

const BASE_DOMAIN = 'tenants.test';
const PASSWORD = 'plum-kettle-orbit-42';
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { accepted } }`;
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { accessToken tenantId role } }`;
const CURRENT = '{ currentTenant { id } }';

type SignIn = { signIn: { accessToken: string; tenantId: string | null; role: string | null } };

/** POSTs a GraphQL operation with a Host of our choosing (fetch always sends the URL's own host). */
function postAs<T = Record<string, unknown>>(
  url: string,
  query: string,
  options: { host?: string; headers?: Record<string, string>; variables?: Record<string, unknown>; token?: string } = {},
): Promise<GraphQLResponse<T>> {
  const target = new URL(url);
  const body = JSON.stringify({ query, variables: options.variables ?? {} });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(options.host ? { host: options.host } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: new Headers(),
            body: JSON.parse(Buffer.concat(chunks).toString()) as GraphQLResponse<T>['body'],
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A pass-through HTTP hop that records the path and headers of every request it forwards. */
async function recordingHop(
  target: string,
): Promise<{ url: string; seen: { path: string; headers: http.IncomingHttpHeaders }[]; close: () => Promise<void> }> {
  const seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  const origin = new URL(target).origin;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      seen.push({ path: req.url!, headers: req.headers });
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const answer = await fetch(`${origin}${req.url}`, { method: req.method!, headers, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const refusal = (res: GraphQLResponse<unknown>) => ({
  status: res.status,
  codes: errorCodes(res),
  header: res.body.errors?.[0]?.extensions?.header,
  data: res.body.data ?? null,
});

describe('tenant resolution at the gateway', () => {
  const fixture = useStack({
    TENANT_BASE_DOMAIN: BASE_DOMAIN,
    TENANT_CUSTOM_DOMAINS: 'true',
    TENANT_PUBLIC_HOSTS: `api.${BASE_DOMAIN}`,
  });
  let first: TestTenant;
  let second: TestTenant;
  let email: string;
  let tokenOfFirst: string;

  beforeAll(async () => {
    // A person whose oldest membership is `first` (signed up with it) and who also belongs to `second`.
    email = `resolver-${randomUUID().slice(0, 8)}@example.test`;
    const firstSlug = `first-${randomUUID().slice(0, 8)}`;
    const signUp = await graphql(fixture.stack.gatewayUrl, SIGN_UP, {
      variables: { input: { email, password: PASSWORD, displayName: 'Pat', organisation: { name: 'First', slug: firstSlug } } },
    });
    expect(errorCodes(signUp)).toEqual([]);
    const [row] = (await fixture.db.dataSource.query(`SELECT id FROM platform.tenants WHERE slug = $1`, [firstSlug])) as { id: string }[];
    first = { id: row!.id, slug: firstSlug };
    second = await createTenant(fixture.db.dataSource);
    await createMember(fixture.db.dataSource, second.id, 'member', email);
    const owner = await createMember(fixture.db.dataSource, first.id, 'admin');
    tokenOfFirst = await fixture.stack.token({ userId: owner.id, tenantId: first.id, role: 'admin' });
    await fixture.db.dataSource.query(
      `INSERT INTO platform.tenant_domains (domain, tenant_id, verification_token, verified_at) VALUES
         ('login.second.example', $1, $2, now()), ('pending.second.example', $1, $2, NULL)`,
      [second.id, 'v'.repeat(32)],
    );
  });

  const signIn = (options: Parameters<typeof postAs>[2] & { tenantId?: string } = {}) =>
    postAs<SignIn>(fixture.stack.gatewayUrl, SIGN_IN, {
      ...options,
      variables: { input: { email, password: PASSWORD, ...(options.tenantId ? { tenantId: options.tenantId } : {}) } },
    });

  describe('signing in to the tenant a request is addressed to', () => {
    it('without any address, signs in to the oldest membership', async () => {
      const res = await signIn();
      expect(res.body.data?.signIn).toEqual(expect.objectContaining({ tenantId: first.id, role: 'OWNER' }));
    });

    it('by X-Tenant-Slug', async () => {
      const res = await signIn({ headers: { 'x-tenant-slug': second.slug } });
      expect(res.body.data?.signIn).toEqual(expect.objectContaining({ tenantId: second.id, role: 'MEMBER' }));
    });

    it('by subdomain of the base domain (the port does not matter)', async () => {
      const res = await signIn({ host: `${second.slug}.${BASE_DOMAIN}:8443` });
      expect(res.body.data?.signIn).toEqual(expect.objectContaining({ tenantId: second.id, role: 'MEMBER' }));
    });

    it('by a verified custom domain', async () => {
      const res = await signIn({ host: 'Login.Second.Example' });
      expect(res.body.data?.signIn).toEqual(expect.objectContaining({ tenantId: second.id, role: 'MEMBER' }));
    });

    it('the base domain itself and the listed public hosts name no tenant', async () => {
      for (const host of [BASE_DOMAIN, `api.${BASE_DOMAIN}`]) {
        const res = await signIn({ host });
        expect(res.body.data?.signIn).toEqual(expect.objectContaining({ tenantId: first.id }));
      }
    });

    it('naming another tenant in the input than the one addressed is FORBIDDEN', async () => {
      const res = await signIn({ headers: { 'x-tenant-slug': second.slug }, tenantId: first.id });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.errors?.[0]?.extensions?.field).toBe('tenantId');
    });

    it('a tenant the person does not belong to is refused after the password, as with tenantId', async () => {
      const stranger = await createTenant(fixture.db.dataSource);
      const res = await signIn({ headers: { 'x-tenant-slug': stranger.slug } });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.errors?.[0]?.extensions?.reason).toBe('NOT_A_MEMBER');
    });
  });

  describe('addresses that name no tenant', () => {
    it.each([
      ['an unknown slug', { headers: { 'x-tenant-slug': 'no-such-tenant-here' } }, 'X-Tenant-Slug'],
      ['a malformed slug', { headers: { 'x-tenant-slug': '../Acme' } }, 'X-Tenant-Slug'],
      ['an unknown subdomain', { host: `no-such-tenant-here.${BASE_DOMAIN}` }, 'Host'],
      ['a nested subdomain', { host: `a.b.${BASE_DOMAIN}` }, 'Host'],
      ['an unverified custom domain', { host: 'pending.second.example' }, 'Host'],
      ['an unknown custom domain', { host: 'nobody.example' }, 'Host'],
    ])('%s is HTTP 404 NOT_FOUND naming the header, and nothing runs', async (_label, options, header) => {
      const res = await signIn(options);
      expect(refusal(res)).toEqual({ status: 404, codes: ['NOT_FOUND'], header, data: null });
      // Unknown, malformed and unverified read alike: nothing tells them apart.
      expect(res.body.errors?.[0]?.message).toBe(header === 'Host' ? 'No tenant at this host' : 'No tenant at this X-Tenant-Slug');
      expect(JSON.stringify(res.body)).not.toContain(second.id);
    });

    it('a purged tenant no longer resolves by slug', async () => {
      const gone = await createTenant(fixture.db.dataSource);
      await fixture.db.dataSource.query(`UPDATE platform.tenants SET status = 'purged' WHERE id = $1`, [gone.id]);
      expect(refusal(await signIn({ headers: { 'x-tenant-slug': gone.slug } }))).toEqual(
        expect.objectContaining({ status: 404, codes: ['NOT_FOUND'] }),
      );
    });
  });

  describe('probing for slugs', () => {
    it("spends the prober's per-IP budget: past it, even an unknown slug is HTTP 429 RATE_LIMITED", async () => {
      // 60 an hour with a 60-second burst: a bucket of one request.
      const gatewayUrl = await fixture.stack.addGateway({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ANONYMOUS_PER_HOUR: '60' });
      const probe = (slug: string) => postAs(gatewayUrl, '{ __typename }', { headers: { 'x-tenant-slug': slug } });

      expect(refusal(await probe(`probe-${randomUUID().slice(0, 8)}`))).toEqual(expect.objectContaining({ status: 404 }));
      expect(refusal(await probe(`probe-${randomUUID().slice(0, 8)}`))).toEqual(
        expect.objectContaining({ status: 429, codes: ['RATE_LIMITED'] }),
      );
    });

    it("anonymous requests naming a tenant spend their own per-IP budget, never the tenant's", async () => {
      const gatewayUrl = await fixture.stack.addGateway({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ANONYMOUS_PER_HOUR: '60' });
      const anonymous = () => postAs(gatewayUrl, '{ __typename }', { headers: { 'x-tenant-slug': first.slug } });

      expect((await anonymous()).status).toBe(200);
      expect(refusal(await anonymous())).toEqual(expect.objectContaining({ status: 429, codes: ['RATE_LIMITED'] }));
      // The tenant's own budget is untouched: its members are still served from the same address.
      const member = await postAs<{ currentTenant: { id: string } }>(gatewayUrl, CURRENT, { token: tokenOfFirst });
      expect(member.body).toEqual({ data: { currentTenant: { id: first.id } } });
    });
  });

  describe('sources that disagree', () => {
    it.each([
      ['X-Tenant-Slug', () => ({ headers: { 'x-tenant-slug': second.slug } })],
      ['Host', () => ({ host: `${second.slug}.${BASE_DOMAIN}` })],
      ['Host', () => ({ host: 'login.second.example' })],
      ['X-Tenant-Id', () => ({ headers: { 'x-tenant-id': second.id } })],
    ])('an access token for one tenant with %s naming another is HTTP 403 FORBIDDEN naming it', async (header, options) => {
      const res = await postAs(fixture.stack.gatewayUrl, CURRENT, { ...options(), token: tokenOfFirst });
      expect(refusal(res)).toEqual({ status: 403, codes: ['FORBIDDEN'], header, data: null });
    });

    it('an access token with the slug and subdomain of its own tenant is served', async () => {
      const res = await postAs<{ currentTenant: { id: string } }>(fixture.stack.gatewayUrl, CURRENT, {
        token: tokenOfFirst,
        host: `${first.slug}.${BASE_DOMAIN}`,
        headers: { 'x-tenant-slug': first.slug, 'x-tenant-id': first.id },
      });
      expect(res.body).toEqual({ data: { currentTenant: { id: first.id } } });
    });

    it.each([
      ['X-Tenant-Id and X-Tenant-Slug', () => ({ headers: { 'x-tenant-id': first.id, 'x-tenant-slug': second.slug } }), 'X-Tenant-Slug'],
      ['X-Tenant-Slug and Host', () => ({ headers: { 'x-tenant-slug': first.slug }, host: `${second.slug}.${BASE_DOMAIN}` }), 'Host'],
      ['X-Tenant-Id and a custom domain', () => ({ headers: { 'x-tenant-id': first.id }, host: 'login.second.example' }), 'Host'],
    ])('an anonymous request whose %s name different tenants is HTTP 403 FORBIDDEN', async (_label, options, header) => {
      const res = await signIn(options());
      expect(refusal(res)).toEqual({ status: 403, codes: ['FORBIDDEN'], header, data: null });
    });
  });

  describe('the tenant subgraph answers resolution only to the gateway', () => {
    const resolveUrl = () => fixture.stack.subgraphUrls.tenant.replace(/\/graphql$/, '/internal/tenants/resolve');
    const ask = (headers: Record<string, string>) =>
      fetch(resolveUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ slug: second.slug }),
      });

    it.each([
      ['no context', {}],
      ['a garbage context', { 'x-tenantry-context': 'garbage.not-a-jwt' }],
    ])('with %s it answers 401 and no tenant id', async (_label, headers) => {
      const res = await ask(headers);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(second.id);
    });

    it('with the gateway context it answers the id, and 404 for an unverified domain', async () => {
      const context = await fixture.stack.contextToken({ requestId: 'resolve-check-1', principal: { kind: 'anonymous' } });
      const res = await ask({ 'x-tenantry-context': context });
      expect(await res.json()).toEqual({ tenantId: second.id });
      const pending = await fetch(resolveUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenantry-context': context },
        body: JSON.stringify({ domain: 'pending.second.example' }),
      });
      expect(pending.status).toBe(404);
    });
  });

  describe('the resolution cache', () => {
    it('answers a repeated slug without a round trip, and a renamed slug or a lost domain stops resolving within the TTL', async () => {
      const hop = await recordingHop(fixture.stack.subgraphUrls.tenant);
      try {
        const gatewayUrl = await fixture.stack.addGateway({
          TENANT_BASE_DOMAIN: BASE_DOMAIN,
          TENANT_CUSTOM_DOMAINS: 'true',
          TENANT_RESOLVE_URL: `${hop.url}/internal/tenants/resolve`,
          TENANT_RESOLUTION_CACHE_SECONDS: '2',
          TENANT_RESOLUTION_NEGATIVE_CACHE_SECONDS: '1',
        });
        const moving = await createTenant(fixture.db.dataSource);
        await fixture.db.dataSource.query(
          `INSERT INTO platform.tenant_domains (domain, tenant_id, verification_token, verified_at) VALUES ('app.moving.example', $1, $2, now())`,
          [moving.id, 'w'.repeat(32)],
        );
        // A fresh unknown email each time: the answer is UNAUTHENTICATED once resolution let it through.
        const wrong = () => ({ input: { email: `${randomUUID()}@example.test`, password: 'wrong-password-1' } });
        const bySlug = (slug: string) => postAs(gatewayUrl, SIGN_IN, { headers: { 'x-tenant-slug': slug }, variables: wrong() });
        const byDomain = () => postAs(gatewayUrl, SIGN_IN, { host: 'app.moving.example', variables: wrong() });
        const lookups = () => hop.seen.filter((s) => s.path === '/internal/tenants/resolve').length;

        // Resolved (the sign-in itself fails on the password, after resolution): one lookup for three requests.
        for (let i = 0; i < 3; i++) expect(errorCodes(await bySlug(moving.slug))).toEqual(['UNAUTHENTICATED']);
        expect(errorCodes(await byDomain())).toEqual(['UNAUTHENTICATED']);
        expect(lookups()).toBe(2);
        const unknown = `unknown-${randomUUID().slice(0, 8)}`;
        for (let i = 0; i < 3; i++) expect(errorCodes(await bySlug(unknown))).toEqual(['NOT_FOUND']);
        expect(lookups()).toBe(3);

        const renamed = `renamed-${randomUUID().slice(0, 8)}`;
        await fixture.db.dataSource.query(`UPDATE platform.tenants SET slug = $2 WHERE id = $1`, [moving.id, renamed]);
        await fixture.db.dataSource.query(`UPDATE platform.tenant_domains SET verified_at = NULL WHERE domain = 'app.moving.example'`);
        // Within the TTL the cached answers still stand; after it, the old slug and the domain are gone.
        expect(errorCodes(await bySlug(moving.slug))).toEqual(['UNAUTHENTICATED']);
        await new Promise((resolve) => setTimeout(resolve, 2_100));
        expect(refusal(await bySlug(moving.slug))).toEqual(expect.objectContaining({ status: 404, codes: ['NOT_FOUND'] }));
        expect(refusal(await byDomain())).toEqual(expect.objectContaining({ status: 404, codes: ['NOT_FOUND'], header: 'Host' }));
        expect(errorCodes(await bySlug(renamed))).toEqual(['UNAUTHENTICATED']);
        // Every lookup carried the gateway's signed context.
        expect(hop.seen.every((s) => typeof s.headers['x-tenantry-context'] === 'string')).toBe(true);
      } finally {
        await hop.close();
      }
    });
  });

  describe('headers subgraphs receive', () => {
    it('are set by the gateway only: a client-sent context or tenant headers never reach a subgraph', async () => {
      const hop = await recordingHop(fixture.stack.subgraphUrls.tenant);
      try {
        const gatewayUrl = await fixture.stack.addGateway({ TENANT_SUBGRAPH_URL: `${hop.url}/graphql` });
        const forged = await fixture.stack.contextToken({
          requestId: 'forged-ctx-1',
          tenantId: second.id,
          principal: { kind: 'user', userId: randomUUID(), role: 'owner' },
        });
        const res = await graphql<{ currentTenant: { id: string } }>(gatewayUrl, CURRENT, {
          token: tokenOfFirst,
          headers: {
            'x-tenantry-context': forged,
            'x-tenant-slug': first.slug,
            'x-forwarded-host': `${second.slug}.${BASE_DOMAIN}`,
            'x-tenantry-tenant-id': second.id,
            'x-apollo-operation-name': 'x',
          },
        });
        expect(res.body).toEqual({ data: { currentTenant: { id: first.id } } });
        const calls = hop.seen.filter((s) => s.path === '/graphql');
        expect(calls.length).toBeGreaterThan(0);
        for (const { headers } of calls) {
          expect(headers['x-tenantry-context']).not.toBe(forged);
          expect(headers['x-tenantry-context']).toEqual(expect.any(String));
          expect(Object.keys(headers).filter((name) => /tenant-(id|slug)|forwarded|authorization/.test(name))).toEqual([]);
        }
      } finally {
        await hop.close();
      }
    });
  });
});
