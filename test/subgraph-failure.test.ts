import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMember, createTenant, createTestDatabase, graphql, startStack, type Stack, type TestDatabase } from '@tenantry/testing';

/** A "subgraph" that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer(() => undefined);
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a slow or dead subgraph', () => {
  let db: TestDatabase;
  let stack: Stack;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    silent = await silentServer();
    stack = await startStack(db.url, { TENANT_SUBGRAPH_URL: silent.url, SUBGRAPH_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await stack?.stop();
    await silent?.close();
    await db?.drop();
  });

  it('costs the request its deadline, not forever, and the other subgraphs still answer', async () => {
    const tenant = await createTenant(db.dataSource);
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });

    const started = Date.now();
    const res = await graphql(stack.gatewayUrl, '{ me { email } currentTenant { slug } }', { token });
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(5_000);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: { email: owner.email }, currentTenant: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: res.headers.get('x-request-id') });
    expect(JSON.stringify(res.body)).not.toContain(silent.url);
  });
});
