import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphTransport, INFLIGHT_KEY_HEADER, type SubgraphTransport } from './subgraph-transport';

describe('subgraph transport', () => {
  let server: http.Server;
  let url: string;
  let received: { headers: http.IncomingHttpHeaders; body: string }[];
  let transport: SubgraphTransport;

  beforeEach(async () => {
    received = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        // Slow enough that concurrent calls overlap.
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { echo: body } })), 50);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    transport = createSubgraphTransport({ subgraph: 'test', timeoutMs: 2_000, maxSockets: 8, dedupInflight: true });
  });

  afterEach(async () => {
    transport.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: string, headers: Record<string, string>) =>
    transport.fetcher(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('shares one call among identical marked calls in flight, each caller parsing its own copy', async () => {
    const [a, b] = await Promise.all([
      post('{"query":"q"}', { [INFLIGHT_KEY_HEADER]: 'caller-1' }),
      post('{"query":"q"}', { [INFLIGHT_KEY_HEADER]: 'caller-1' }),
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers[INFLIGHT_KEY_HEADER]).toBeUndefined();
    const [bodyA, bodyB] = [await a.json(), await b.json()];
    expect(bodyA).toEqual({ data: { echo: '{"query":"q"}' } });
    expect(bodyA).toEqual(bodyB);
    expect(bodyA).not.toBe(bodyB);
  });

  it('never shares between callers, between bodies, or for unmarked calls', async () => {
    await Promise.all([
      post('{"query":"q"}', { [INFLIGHT_KEY_HEADER]: 'caller-1' }),
      post('{"query":"q"}', { [INFLIGHT_KEY_HEADER]: 'caller-2' }),
      post('{"query":"other"}', { [INFLIGHT_KEY_HEADER]: 'caller-1' }),
      post('{"query":"q"}', {}),
      post('{"query":"q"}', {}),
    ]);
    expect(received).toHaveLength(5);
  });

  it('does not share a call that has already finished', async () => {
    await post('{"query":"q"}', { [INFLIGHT_KEY_HEADER]: 'caller-1' });
    await post('{"query":"q"}', { [INFLIGHT_KEY_HEADER]: 'caller-1' });
    expect(received).toHaveLength(2);
  });

  it('fails a call past its deadline with a TimeoutError', async () => {
    const slow = createSubgraphTransport({ subgraph: 'test', timeoutMs: 10, maxSockets: 1, dedupInflight: false });
    try {
      await expect(slow.fetcher(url, { method: 'POST', body: '{}' })).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      slow.close();
    }
  });
});
