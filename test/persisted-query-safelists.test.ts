import { createHash, randomUUID } from 'node:crypto';
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
  type TestDatabase,
} from '@tenantry/testing';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function operation(body: string) {
  const name = /^(?:query|mutation) (\w+)/.exec(body)![1]!;
  return { id: sha256(body), name, type: body.startsWith('mutation') ? 'mutation' : 'query', body };
}

const CURRENT_TENANT = operation('query CurrentTenant { currentTenant { slug } }');
const USAGE = operation('query Usage { usageCounters { resource } }');
const DEEP = operation('query Deep { currentTenant { parent { branding { logoUrl } } } }');

const manifest = (...operations: ReturnType<typeof operation>[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });

const PUBLISH = `mutation ($input: PublishPersistedQueriesInput!) {
  publishPersistedQueries(input: $input) { version added retired unchanged operations client { name mode manifestVersion operationCount } }
}`;
const UPDATE = `mutation ($input: UpdateApiClientInput!) { updateApiClient(input: $input) { name mode operationLimits { maxDepth } } }`;
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { client } } }`;

interface Sent {
  query?: string;
  hash?: string;
  id?: string;
}

/** One POST to the gateway with an API key: a document, an APQ hash, our `id` field, or a mix. */
async function send(
  url: string,
  key: string,
  sent: Sent,
  requestId = `pq-test-${randomUUID()}`,
): Promise<GraphQLResponse<Record<string, unknown>>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-request-id': requestId },
    body: JSON.stringify({
      ...(sent.query !== undefined ? { query: sent.query } : {}),
      ...(sent.id !== undefined ? { id: sent.id } : {}),
      ...(sent.hash !== undefined ? { extensions: { persistedQuery: { version: 1, sha256Hash: sent.hash } } } : {}),
    }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponse<Record<string, unknown>>['body'],
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('persisted-query safelists per client', () => {
  let db: TestDatabase;
  let stack: Stack;
  let staffToken: string;
  let ownerToken: string;
  let tenantId: string;
  let slug: string;
  const keys: Record<'off' | 'audit' | 'enforce', string> = { off: '', audit: '', enforce: '' };
  const suffix = randomUUID().slice(0, 8);
  const clientOf = (mode: string) => `partner-${mode}-${suffix}`;

  async function publish(input: Record<string, unknown>) {
    return graphql<{ publishPersistedQueries: Record<string, unknown> }>(stack.gatewayUrl, PUBLISH, {
      token: staffToken,
      variables: { input },
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    // A one-second refresh keeps the test short; the default is 10 s (README).
    stack = await startStack(db.url, { PQ_REFRESH_SECONDS: '1' });
    const tenant = await createTenant(db.dataSource, { plan: 'pro' });
    tenantId = tenant.id;
    slug = tenant.slug;
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    ownerToken = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const staff = await createStaff(db.dataSource, 'platform_admin');
    staffToken = await stack.token({ userId: staff.id, platformRole: 'platform_admin' });
    for (const mode of ['off', 'audit', 'enforce'] as const) {
      const published = await publish({ client: clientOf(mode), manifest: manifest(CURRENT_TENANT, DEEP), mode: mode.toUpperCase() });
      expect(errorCodes(published)).toEqual([]);
      const created = await graphql<{ createApiKey: { key: string; apiKey: { client: string } } }>(stack.gatewayUrl, CREATE_KEY, {
        token: ownerToken,
        variables: { input: { name: `${mode} partner`, scopes: ['tenant:read', 'usage:read'], client: clientOf(mode) } },
      });
      expect(created.body.data?.createApiKey.apiKey.client).toBe(clientOf(mode));
      keys[mode] = created.body.data!.createApiKey.key;
    }
    // The gateway learns the registry on its next refresh.
    await until('the registry refresh', async () => {
      const res = await send(stack.gatewayUrl, keys.enforce, { hash: CURRENT_TENANT.id });
      return res.body.data ? true : undefined;
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  describe.each(['off', 'audit', 'enforce'] as const)('a key of a client in %s mode', (mode) => {
    it('runs a manifest operation by its APQ hash and by the id field, without sending the document', async () => {
      const byHash = await send(stack.gatewayUrl, keys[mode], { hash: CURRENT_TENANT.id });
      const byId = await send(stack.gatewayUrl, keys[mode], { id: CURRENT_TENANT.id });

      expect(byHash.body).toEqual({ data: { currentTenant: { slug } } });
      expect(byId.body).toEqual({ data: { currentTenant: { slug } } });
    });

    it(mode === 'enforce' ? 'refuses an ad-hoc document and an unknown id' : 'still runs an ad-hoc document', async () => {
      const requestId = `pq-adhoc-${randomUUID()}`;
      const adHoc = await send(stack.gatewayUrl, keys[mode], { query: USAGE.body }, requestId);
      const unknownId = await send(stack.gatewayUrl, keys[mode], { id: sha256(`query Nope { me { id } } # ${randomUUID()}`) });

      if (mode === 'enforce') {
        expect({ status: adHoc.status, codes: errorCodes(adHoc), data: adHoc.body.data ?? null }).toEqual({
          status: 403,
          codes: ['OPERATION_NOT_ALLOWED'],
          data: null,
        });
        expect(adHoc.body.errors![0]!.extensions).toMatchObject({ reason: 'OPERATION_NOT_IN_MANIFEST', client: clientOf(mode), requestId });
        expect(unknownId.status).toBe(403);
        expect(unknownId.body.errors![0]!.extensions).toMatchObject({
          code: 'OPERATION_NOT_ALLOWED',
          reason: 'PERSISTED_QUERY_NOT_IN_MANIFEST',
        });
      } else {
        // A fresh tenant has counted nothing yet.
        expect(adHoc.body).toEqual({ data: { usageCounters: [] } });
        expect(unknownId.status).toBe(400);
        expect(errorCodes(unknownId)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      }
    });

    it(
      mode === 'off'
        ? 'logs nothing about unlisted operations'
        : 'logs an unlisted operation with client, tenant and request id, and counts it',
      async () => {
        const requestId = `pq-log-${randomUUID()}`;
        const before = await unlistedCount(stack, clientOf(mode), mode, 'ad_hoc');
        await send(stack.gatewayUrl, keys[mode], { query: USAGE.body }, requestId);
        const lines = stack.logs
          .filter((l) => l.includes(requestId) && l.includes('outside the client manifest'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const after = await unlistedCount(stack, clientOf(mode), mode, 'ad_hoc');

        if (mode === 'off') {
          expect(lines).toEqual([]);
          expect(after).toBe(before);
        } else {
          expect(lines).toEqual([expect.objectContaining({ client: clientOf(mode), tenantId, requestId, mode, kind: 'ad_hoc' })]);
          expect(after).toBe(before + 1);
        }
      },
    );
  });

  it('refuses APQ registration from a client in enforce mode, so the hash stays unknown to everyone', async () => {
    const query = `{ currentTenant { slug } } # ${randomUUID()}`;
    const registration = await send(stack.gatewayUrl, keys.enforce, { query, hash: sha256(query) });
    const byOwner = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }),
    }).then((r) => r.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>);

    expect(registration.status).toBe(403);
    expect(registration.body.errors![0]!.extensions).toMatchObject({
      code: 'OPERATION_NOT_ALLOWED',
      reason: 'APQ_REGISTRATION_NOT_ALLOWED',
    });
    expect(byOwner.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('resolves ids and refuses ad-hoc documents over GET as well', async () => {
    const get = async (params: Record<string, string>) => {
      const response = await fetch(`${stack.gatewayUrl}?${new URLSearchParams(params).toString()}`, {
        headers: { 'x-api-key': keys.enforce, 'apollo-require-preflight': 'true' },
      });
      return {
        status: response.status,
        body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] },
      };
    };
    const byHash = await get({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: CURRENT_TENANT.id } }) });
    const byId = await get({ id: CURRENT_TENANT.id });
    const adHoc = await get({ query: USAGE.body });

    expect(byHash.body).toEqual({ data: { currentTenant: { slug } } });
    expect(byId.body).toEqual({ data: { currentTenant: { slug } } });
    expect(adHoc.status).toBe(403);
    expect(adHoc.body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', reason: 'OPERATION_NOT_IN_MANIFEST' });
  });

  it('lets a client in audit mode register APQ as before', async () => {
    const query = `{ currentTenant { slug } } # ${randomUUID()}`;
    const registration = await send(stack.gatewayUrl, keys.audit, { query, hash: sha256(query) });
    const byHash = await send(stack.gatewayUrl, keys.audit, { hash: sha256(query) });

    expect(registration.body).toEqual({ data: { currentTenant: { slug } } });
    expect(byHash.body).toEqual({ data: { currentTenant: { slug } } });
  });

  it('refuses a whole manifest when one id is not the SHA-256 of its body, storing nothing', async () => {
    const client = `mismatch-${suffix}`;
    const bad = { ...USAGE, id: sha256('something else') };
    const res = await publish({ client, manifest: manifest(CURRENT_TENANT, bad) });
    const [stored] = (await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM platform.api_clients WHERE name = $1) AS clients,
              (SELECT count(*)::int FROM platform.persisted_operations WHERE client_name = $1) AS operations`,
      [client],
    )) as { clients: number; operations: number }[];

    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.extensions).toMatchObject({
      reason: 'PERSISTED_QUERY_ID_MISMATCH',
      field: 'manifest.operations[1].id',
      expected: USAGE.id,
    });
    expect(stored).toEqual({ clients: 0, operations: 0 });
  });

  it('adds to the set by default, retires what a replacing manifest leaves out, and records each publish in the platform audit trail', async () => {
    const client = `history-${suffix}`;
    const first = await publish({ client, manifest: manifest(CURRENT_TENANT) });
    const added = await publish({ client, manifest: manifest(USAGE) });
    const replaced = await publish({ client, manifest: manifest(USAGE), replace: true });
    const audit = (await db.dataSource.query(
      `SELECT action, resource_id AS "resourceId", actor_type AS "actorType" FROM platform.audit_events WHERE resource_id = $1 ORDER BY seq`,
      [client],
    )) as unknown[];

    expect(first.body.data?.publishPersistedQueries).toMatchObject({ version: 1, added: 1, operations: 1, client: { mode: 'ENFORCE' } });
    expect(added.body.data?.publishPersistedQueries).toMatchObject({ version: 2, added: 1, operations: 2 });
    expect(replaced.body.data?.publishPersistedQueries).toMatchObject({ version: 3, added: 0, unchanged: 1, retired: 1, operations: 1 });
    expect(audit).toEqual(
      Array.from({ length: 3 }, () => ({
        action: 'api_client.persisted_queries_published',
        resourceId: client,
        actorType: 'platform_staff',
      })),
    );
    const history = await graphql<{
      apiClients: { name: string; operations: unknown[]; publications: unknown[] }[];
    }>(
      stack.gatewayUrl,
      '{ apiClients { name operations(includeRetired: true) { name firstVersion lastVersion retiredAt } publications { version replaced } } }',
      { token: staffToken },
    );
    const mine = history.body.data!.apiClients.find((c) => c.name === client)!;
    expect(mine.operations).toEqual([
      { name: 'Usage', firstVersion: 2, lastVersion: 3, retiredAt: null },
      { name: 'CurrentTenant', firstVersion: 1, lastVersion: 1, retiredAt: expect.any(String) },
    ]);
    expect(mine.publications).toEqual([
      { version: 3, replaced: true },
      { version: 2, replaced: false },
      { version: 1, replaced: false },
    ]);
  });

  it('queues two first publishes of the same client instead of failing one', async () => {
    const client = `race-${suffix}`;
    const results = await Promise.all([
      publish({ client, manifest: manifest(CURRENT_TENANT) }),
      publish({ client, manifest: manifest(USAGE) }),
    ]);

    expect(results.map((r) => errorCodes(r))).toEqual([[], []]);
    expect(results.map((r) => r.body.data!.publishPersistedQueries.version).sort()).toEqual([1, 2]);
  });

  it('puts a newly published operation into effect within one refresh interval, without a restart', async () => {
    const fresh = operation(`query Fresh${suffix} { currentTenant { slug name } }`);
    const before = await send(stack.gatewayUrl, keys.enforce, { id: fresh.id });
    const published = await publish({ client: clientOf('enforce'), manifest: manifest(fresh) });
    const started = Date.now();
    await until('the new operation', async () =>
      (await send(stack.gatewayUrl, keys.enforce, { id: fresh.id })).body.data ? true : undefined,
    );
    const elapsed = Date.now() - started;

    expect(before.status).toBe(403);
    expect(errorCodes(published)).toEqual([]);
    // PQ_REFRESH_SECONDS=1, plus the time a refresh and this poll take on a loaded shared machine.
    expect(elapsed).toBeLessThan(3_000);
  });

  it("applies a client's own operation limits, returning them with the refusal", async () => {
    const client = clientOf('audit');
    const update = await graphql<{ updateApiClient: { operationLimits: { maxDepth: number } } }>(stack.gatewayUrl, UPDATE, {
      token: staffToken,
      variables: { input: { client, operationLimits: { maxDepth: 2 } } },
    });
    expect(update.body.data?.updateApiClient.operationLimits).toEqual({ maxDepth: 2 });
    const refused = await until('the new limits', async () => {
      const res = await send(stack.gatewayUrl, keys.audit, { id: DEEP.id });
      return res.status === 400 ? res : undefined;
    });
    const byOwner = await graphql(stack.gatewayUrl, DEEP.body, { token: ownerToken });

    expect(errorCodes(refused)).toEqual(['OPERATION_NOT_ALLOWED']);
    expect(refused.body.errors![0]!.extensions!.limits).toEqual([{ limit: 'depth', max: 2, actual: 4 }]);
    expect(errorCodes(byOwner)).toEqual([]);
  });

  it('lets platform admins publish and tenant admins not', async () => {
    const asOwner = await graphql(stack.gatewayUrl, PUBLISH, {
      token: ownerToken,
      variables: { input: { client: `owner-${suffix}`, manifest: manifest(CURRENT_TENANT) } },
    });
    const clients = await graphql<{ apiClients: { name: string }[] }>(stack.gatewayUrl, '{ apiClients { name mode operationCount } }', {
      token: staffToken,
    });

    expect(errorCodes(asOwner)).toEqual(['FORBIDDEN']);
    expect(clients.body.data?.apiClients.map((c) => c.name)).toEqual(expect.arrayContaining([clientOf('off'), clientOf('enforce')]));
    expect(clients.body.data?.apiClients.map((c) => c.name)).not.toContain(`owner-${suffix}`);
  });

  it('refuses a key bound to a client that does not exist', async () => {
    const res = await graphql(stack.gatewayUrl, CREATE_KEY, {
      token: ownerToken,
      variables: { input: { name: 'ghost', scopes: ['tenant:read'], client: `no-such-client-${suffix}` } },
    });

    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.extensions).toMatchObject({ field: 'client' });
  });

  it('fails closed for bound keys while the registry cannot be reached, and says so in the log', async () => {
    const gateway = await stack.addGateway({ PQ_REGISTRY_URL: 'http://127.0.0.1:9/internal/persisted-queries' });
    const byId = await send(gateway, keys.off, { id: CURRENT_TENANT.id });
    const asUser = await graphql(gateway, USAGE.body, { token: ownerToken });

    expect(byId.status).toBe(403);
    expect(byId.body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', client: clientOf('off') });
    expect(asUser.body).toEqual({ data: { usageCounters: [] } });
    expect(stack.logs.some((l) => l.includes('persisted-query registry unavailable'))).toBe(true);
  });

  it('governs callers without a bound key by PQ_UNBOUND_CLIENT, whatever apollographql-client-name they claim', async () => {
    const web = `web-${suffix}`;
    await publish({ client: web, manifest: manifest(CURRENT_TENANT), mode: 'ENFORCE' });
    const gateway = await stack.addGateway({ PQ_UNBOUND_CLIENT: web });
    const listed = await graphql(gateway, CURRENT_TENANT.body, { token: ownerToken });
    const adHoc = await graphql(gateway, USAGE.body, { token: ownerToken, headers: { 'apollographql-client-name': clientOf('off') } });

    expect(listed.body).toEqual({ data: { currentTenant: { slug } } });
    expect(adHoc.status).toBe(403);
    expect(adHoc.body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', client: web });
  });
});

async function unlistedCount(stack: Stack, client: string, mode: string, kind: string): Promise<number> {
  const text = await (await fetch(`${stack.gatewayBaseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('tenantry_unlisted_operations_total{') &&
        l.includes(`client="${client}"`) &&
        l.includes(`mode="${mode}"`) &&
        l.includes(`kind="${kind}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}
