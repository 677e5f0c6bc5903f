import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { generateSigningJwk, importSigningKey, issueAccessToken, signContextToken } from '@tenantry/auth';
import { createMember, createTenant, type TestTenant, type TestUser, useStack } from '@tenantry/testing';

/**
 * Issue 7: hostile requests against a production gateway, one row each, every one refused with
 * the status and code it names — never a 500, never a hang, never a stack trace. Rows that are
 * about limits use the default operation limits (README, "Configuration").
 */

const BASE_DOMAIN = 'tenants.test';

interface Answer {
  status: number;
  code: unknown;
  text: string;
}

interface Raw {
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  host?: string;
}

/** One HTTP request with exactly the headers given (fetch would add, drop or refuse some). */
function send(baseUrl: string, raw: Raw): Promise<Answer> {
  const target = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: raw.path ?? '/graphql',
        method: raw.method ?? 'POST',
        headers: {
          ...(raw.body !== undefined ? { 'content-length': Buffer.byteLength(raw.body) } : {}),
          ...(raw.host ? { host: raw.host } : {}),
          ...raw.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let code: unknown = null;
          try {
            code = (JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code ?? null;
          } catch {
            code = null;
          }
          resolve({ status: response.statusCode!, code, text });
        });
      },
    );
    request.on('error', reject);
    request.end(raw.body);
  });
}

const json = { 'content-type': 'application/json' };
const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

describe('hostile requests at a production gateway (issue 7)', () => {
  const fixture = useStack({ NODE_ENV: 'production', TENANT_BASE_DOMAIN: BASE_DOMAIN });
  let tenant: TestTenant;
  let other: TestTenant;
  let owner: TestUser;
  let token: string;

  beforeAll(async () => {
    tenant = await createTenant(fixture.db.dataSource);
    other = await createTenant(fixture.db.dataSource);
    owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
  });

  /** A POSTed operation as the tenant's owner, unless `as` says otherwise. */
  const op =
    (query: string, extra: { headers?: Record<string, string>; host?: string; anonymous?: boolean; variables?: unknown } = {}) =>
    (): Raw => ({
      body: JSON.stringify({ query, variables: extra.variables ?? {} }),
      ...(extra.host ? { host: extra.host } : {}),
      headers: { ...json, ...(extra.anonymous ? {} : { authorization: `Bearer ${token}` }), ...extra.headers },
    });

  /** [what, the request, expected HTTP status, expected extensions.code (null: refused by HTTP before GraphQL)]. */
  const rows: [string, () => Raw | Promise<Raw>, number, string | null][] = [
    // Expensive documents: refused by the operation guard before parsing finishes or validation runs.
    ['100 aliases', op(`{ ${repeat(100, (i) => `a${i}: currentTenant { id }`)} }`), 400, 'OPERATION_NOT_ALLOWED'],
    ['200 × __typename in one selection', op(`{ currentTenant { ${repeat(200, () => '__typename')} } }`), 400, 'OPERATION_NOT_ALLOWED'],
    ['100 aliased root __typename', op(`{ ${repeat(100, (i) => `t${i}: __typename`)} }`), 400, 'OPERATION_NOT_ALLOWED'],
    ['depth 15', op(`{ ${'members { user { '.repeat(7)}email${' } }'.repeat(7)} }`), 400, 'OPERATION_NOT_ALLOWED'],
    ['25 root fields', op(`{ ${repeat(25, () => 'me { id }')} }`), 400, 'OPERATION_NOT_ALLOWED'],
    [
      '31 directives',
      op(`{ currentTenant @include(if: true) { ${repeat(30, () => 'id @skip(if: false)')} } }`),
      400,
      'OPERATION_NOT_ALLOWED',
    ],
    [
      'estimated cost over the limit',
      op(`{ ${repeat(7, (i) => `m${i}: members(first: 100) { user { email } tenant { slug name usage { resource used } } }`)} }`),
      400,
      'OPERATION_NOT_ALLOWED',
    ],
    ['6000 tokens', op(`{ currentTenant { id ${'name '.repeat(6000)} } }`), 400, 'OPERATION_NOT_ALLOWED'],
    ['60,000 characters', op(`{ currentTenant { id } } # ${'x'.repeat(60_000)}`), 400, 'OPERATION_NOT_ALLOWED'],
    [
      'fragments fanning out 10 × 10 × 10 × 10',
      op(
        `{ ...F0 } fragment F0 on Query { ${repeat(10, (i) => `a${i}: currentTenant { ...F1 }`)} } ` +
          `fragment F1 on Tenant { ${repeat(10, (i) => `b${i}: usage { ...F2 }`)} } fragment F2 on UsageEntry { ${repeat(10, (i) => `c${i}: resource`)} }`,
      ),
      400,
      'OPERATION_NOT_ALLOWED',
    ],
    [
      'fragments spreading the next one twice, 40 levels deep, around an empty fragment (2^40 if expanded)',
      op(`{ ...F0 } ${repeat(40, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`)} fragment F40 on Query { ...Missing }`),
      400,
      'OPERATION_NOT_ALLOWED',
    ],
    [
      '300 root fields hidden in a chain of fragments',
      op(`{ ...F0 } ${repeat(299, (i) => `fragment F${i} on Query { me { id } ...F${i + 1} }`)} fragment F299 on Query { me { id } }`),
      400,
      'OPERATION_NOT_ALLOWED',
    ],
    ['4000 copies of one field in a selection (the overlap check)', op(`{ me { ${'id '.repeat(4000)} } }`), 400, 'OPERATION_NOT_ALLOWED'],
    // Malformed or invalid documents: BAD_USER_INPUT from parsing or validation.
    ['a fragment cycle', op('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'), 400, 'BAD_USER_INPUT'],
    ['a fragment spreading itself', op('{ ...A } fragment A on Query { me { id } ...A }'), 400, 'BAD_USER_INPUT'],
    ['an unknown directive', op('{ currentTenant @exec(cmd: "id") { id } }'), 400, 'BAD_USER_INPUT'],
    ['a directive repeated on one field', op('{ currentTenant { id @skip(if: false) @skip(if: false) } }'), 400, 'BAD_USER_INPUT'],
    ['a syntax error', op('{ currentTenant { id '), 400, 'BAD_USER_INPUT'],
    [
      'an operationName the document lacks',
      () => ({ ...op('query A { me { id } }')(), body: JSON.stringify({ query: 'query A { me { id } }', operationName: 'B' }) }),
      400,
      'BAD_USER_INPUT',
    ],
    ['a query that is not a string', () => ({ headers: json, body: JSON.stringify({ query: 42 }) }), 400, 'BAD_USER_INPUT'],
    [
      'variables that are not an object',
      () => ({ headers: json, body: JSON.stringify({ query: '{ __typename }', variables: [1] }) }),
      400,
      'BAD_USER_INPUT',
    ],
    ['a body that is not JSON', () => ({ headers: json, body: '{"query": "{ me { id } }"' }), 400, 'BAD_USER_INPUT'],
    // Production hides the schema.
    ['introspection with __schema', op('{ __schema { types { name } } }', { anonymous: true }), 400, 'BAD_USER_INPUT'],
    ['introspection with __type', op('{ __type(name: "Tenant") { fields { name } } }', { anonymous: true }), 400, 'BAD_USER_INPUT'],
    ['a misspelled field fishing for suggestions', op('{ currentTenan { id } }'), 400, 'BAD_USER_INPUT'],
    // Transport shapes.
    [
      'a batch of two operations',
      () => ({ headers: json, body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]) }),
      400,
      'OPERATION_NOT_ALLOWED',
    ],
    [
      'a body over the 1 MB limit',
      () => ({ headers: json, body: JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(1_100_000) } }) }),
      413,
      'OPERATION_NOT_ALLOWED',
    ],
    [
      'CSRF: a text/plain POST (a simple cross-site form)',
      () => ({ headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'CSRF: a form-urlencoded POST',
      () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'CSRF: a GET query without a preflight header',
      () => ({ method: 'GET', path: '/graphql?query=%7B__typename%7D' }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a mutation sent by GET',
      () => ({
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent('mutation { signOut(input: { refreshToken: "x" }) }')}`,
        headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` },
      }),
      405,
      'BAD_USER_INPUT',
    ],
    // Credentials.
    ['a Basic authorization header', op('{ me { id } }', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'UNAUTHENTICATED'],
    [
      'an access token signed by a key identity never published',
      async () => {
        const foreign = await importSigningKey(JSON.stringify((await generateSigningJwk()).privateJwk));
        const forged = await issueAccessToken(
          foreign,
          { userId: owner.id, tenantId: tenant.id, role: 'owner', platformRole: 'platform_admin' },
          300,
        );
        return op('{ me { id } }', { headers: { authorization: `Bearer ${forged}` } })();
      },
      401,
      'UNAUTHENTICATED',
    ],
    [
      'an unsigned (alg: none) access token',
      () => {
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const unsigned = `${part({ alg: 'none', typ: 'at+jwt' })}.${part({ sub: owner.id, tid: tenant.id, role: 'owner', exp: 9_999_999_999 })}.`;
        return op('{ me { id } }', { headers: { authorization: `Bearer ${unsigned}` } })();
      },
      401,
      'UNAUTHENTICATED',
    ],
    ['an API key beside a bearer token', op('{ me { id } }', { headers: { 'x-api-key': 'tk_live_abc_def' } }), 401, 'UNAUTHENTICATED'],
    [
      'an API key that does not exist',
      op('{ members { role } }', { anonymous: true, headers: { 'x-api-key': `tk_live_${randomUUID()}` } }),
      401,
      'UNAUTHENTICATED',
    ],
    // Forged subgraph and tenant headers.
    [
      "the gateway's own x-tenantry-context sent by a client (ignored: the caller stays anonymous)",
      async () => {
        const context = await fixture.stack.contextToken({
          requestId: 'forged-edge-1',
          tenantId: tenant.id,
          principal: { kind: 'user', userId: owner.id, role: 'owner' },
        });
        return op('{ members { role } }', { anonymous: true, headers: { 'x-tenantry-context': context } })();
      },
      200,
      'UNAUTHENTICATED',
    ],
    [
      'a subgraph called directly with a context signed by another key',
      async () => {
        const foreign = await importSigningKey(JSON.stringify((await generateSigningJwk()).privateJwk));
        const context = await signContextToken(foreign, {
          requestId: 'forged-edge-2',
          tenantId: tenant.id,
          principal: { kind: 'user', userId: owner.id, role: 'owner' },
        });
        return {
          headers: { ...json, 'x-tenantry-context': context },
          body: JSON.stringify({ query: '{ members { role } }' }),
          subgraph: 'identity',
        } as Raw;
      },
      401,
      'UNAUTHENTICATED',
    ],
    [
      'X-Tenant-Id naming another tenant than the token',
      () => op('{ currentTenant { id } }', { headers: { 'x-tenant-id': other.id } })(),
      403,
      'FORBIDDEN',
    ],
    [
      'X-Tenant-Id that is not a tenant id',
      op('{ currentTenant { id } }', { headers: { 'x-tenant-id': "' OR 1=1 --" } }),
      403,
      'FORBIDDEN',
    ],
    [
      'X-Tenant-Slug naming another tenant than the token',
      () => op('{ currentTenant { id } }', { headers: { 'x-tenant-slug': other.slug } })(),
      403,
      'FORBIDDEN',
    ],
    [
      'a Host subdomain naming another tenant than the token',
      () => op('{ currentTenant { id } }', { host: `${other.slug}.${BASE_DOMAIN}` })(),
      403,
      'FORBIDDEN',
    ],
    [
      'anonymous X-Tenant-Id and X-Tenant-Slug naming different tenants',
      () => op('{ __typename }', { anonymous: true, headers: { 'x-tenant-id': tenant.id, 'x-tenant-slug': other.slug } })(),
      403,
      'FORBIDDEN',
    ],
    [
      'X-Tenant-Slug naming no tenant',
      op('{ __typename }', { anonymous: true, headers: { 'x-tenant-slug': 'no-such-tenant' } }),
      404,
      'NOT_FOUND',
    ],
    // Oversized headers: refused by Node's HTTP parser before any handler (HTTP only, no GraphQL body).
    ['a 20 KB header', op('{ __typename }', { anonymous: true, headers: { 'x-padding': 'x'.repeat(20_000) } }), 431, null],
    [
      '200 headers of 100 bytes (20 KB in all)',
      () => ({
        headers: { ...json, ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(100)])) },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
      431,
      null,
    ],
  ];

  it('a client dripping its headers (slowloris) gets HTTP 408 and is disconnected at HEADERS_TIMEOUT_MS', async () => {
    const gatewayUrl = new URL(await fixture.stack.addGateway({ HEADERS_TIMEOUT_MS: '1000' }));
    const socket = net.connect(Number(gatewayUrl.port), gatewayUrl.hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    await new Promise((resolve) => socket.on('connect', resolve));
    const started = Date.now();
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\n');
    // One more header line every 200 ms, never the blank line that ends the head; stops by itself.
    const drip = setInterval(() => socket.writable && socket.write(`x-drip-${Date.now()}: 1\r\n`), 200);
    const guard = setTimeout(() => socket.destroy(), 10_000);
    try {
      const at = await closed;
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(at - started).toBeLessThan(5_000);
    } finally {
      clearInterval(drip);
      clearTimeout(guard);
    }
  });

  it('has at least 30 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  const table = rows.map(([what, build, status, code]) => [what, status, code ?? '(no GraphQL body)', build, code] as const);

  it.each(table)('%s → HTTP %s %s', async (_what, status, _label, build, code) => {
    const raw = (await build()) as Raw & { subgraph?: 'identity' };
    const url = raw.subgraph ? fixture.stack.subgraphUrls[raw.subgraph] : fixture.stack.gatewayUrl;
    const answer = await send(url, raw);

    expect({ status: answer.status, code: answer.code }).toEqual({ status, code });
    expect(answer.text).not.toMatch(/stacktrace|\bat .+\.(?:ts|js):\d+|Did you mean|<html|<pre>/i);
    expect(answer.text).not.toContain(other.id);
  });
});
