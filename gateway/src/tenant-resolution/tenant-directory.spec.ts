import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningJwk, importSigningKey, importVerifyKey, verifyContextToken } from '@tenantry/auth';
import { createTenantDirectory, TenantDirectoryUnavailableError } from './tenant-directory';

/** A real HTTP endpoint shaped like the tenant subgraph's resolve route, over a table we control. */
async function resolveServer(table: Map<string, string>) {
  const jwk = await generateSigningJwk();
  const verifyKey = await importVerifyKey(JSON.stringify(jwk.publicJwk));
  const asked: string[] = [];
  let failing = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      try {
        await verifyContextToken(verifyKey, req.headers['x-tenantry-context'] as string | undefined);
      } catch {
        res.writeHead(401).end();
        return;
      }
      const address = JSON.parse(body) as { slug?: string; domain?: string };
      const key = address.slug ?? address.domain!;
      asked.push(key);
      if (failing) return void res.writeHead(503).end();
      const tenantId = table.get(key);
      if (!tenantId) return void res.writeHead(404).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tenantId }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/tenants/resolve`,
    signingKey: await importSigningKey(JSON.stringify(jwk.privateJwk)),
    asked,
    fail: (value: boolean) => (failing = value),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tenant directory', () => {
  const table = new Map([
    ['acme', 'tenant-acme'],
    ['globex', 'tenant-globex'],
    ['login.acme.com', 'tenant-acme'],
  ]);
  let server: Awaited<ReturnType<typeof resolveServer>>;
  let clock = 0;
  beforeEach(async () => {
    server = await resolveServer(table);
    clock = 1_000_000;
  });
  afterEach(() => server.close());

  const directory = (cacheSize = 100) =>
    createTenantDirectory({
      url: server.url,
      signingKey: server.signingKey,
      cacheSize,
      ttlSeconds: 60,
      negativeTtlSeconds: 5,
      now: () => clock,
    });

  it('answers a repeated address from memory until the TTL runs out', async () => {
    const lookUp = directory();
    expect(await lookUp({ slug: 'acme' }, 'r-1')).toBe('tenant-acme');
    expect(await lookUp({ slug: 'acme' }, 'r-2')).toBe('tenant-acme');
    expect(await lookUp({ domain: 'login.acme.com' }, 'r-3')).toBe('tenant-acme');
    expect(server.asked).toEqual(['acme', 'login.acme.com']);
    clock += 60_001;
    expect(await lookUp({ slug: 'acme' }, 'r-4')).toBe('tenant-acme');
    expect(server.asked).toEqual(['acme', 'login.acme.com', 'acme']);
  });

  it('asks once for an address that many requests miss at the same moment', async () => {
    const lookUp = directory();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => lookUp({ slug: i % 2 ? 'acme' : 'nobody' }, `r-${i}`)));
    expect(answers.filter((a) => a === 'tenant-acme')).toHaveLength(10);
    expect(answers.filter((a) => a === null)).toHaveLength(10);
    expect([...server.asked].sort()).toEqual(['acme', 'nobody']);
  });

  it('remembers "no tenant" only for the short negative TTL', async () => {
    const lookUp = directory();
    expect(await lookUp({ slug: 'nobody' }, 'r-1')).toBeNull();
    expect(await lookUp({ slug: 'nobody' }, 'r-2')).toBeNull();
    clock += 5_001;
    expect(await lookUp({ slug: 'nobody' }, 'r-3')).toBeNull();
    expect(server.asked).toEqual(['nobody', 'nobody']);
  });

  it('holds at most cacheSize addresses, dropping the least recently used', async () => {
    const lookUp = directory(2);
    await lookUp({ slug: 'acme' }, 'r-1');
    await lookUp({ slug: 'globex' }, 'r-2');
    await lookUp({ slug: 'acme' }, 'r-3'); // acme is now the most recently used
    await lookUp({ slug: 'nobody' }, 'r-4'); // evicts globex
    expect(lookUp.cacheSize()).toBe(2);
    await lookUp({ slug: 'acme' }, 'r-5');
    await lookUp({ slug: 'globex' }, 'r-6');
    expect(server.asked).toEqual(['acme', 'globex', 'nobody', 'globex']);
  });

  it('fails closed and remembers no failure', async () => {
    const lookUp = directory();
    server.fail(true);
    await expect(lookUp({ slug: 'acme' }, 'r-1')).rejects.toBeInstanceOf(TenantDirectoryUnavailableError);
    server.fail(false);
    expect(await lookUp({ slug: 'acme' }, 'r-2')).toBe('tenant-acme');
  });

  it('is refused by the endpoint without the signing key it trusts', async () => {
    const stranger = await importSigningKey(JSON.stringify((await generateSigningJwk()).privateJwk));
    const lookUp = createTenantDirectory({ url: server.url, signingKey: stranger, cacheSize: 10, ttlSeconds: 60, negativeTtlSeconds: 5 });
    await expect(lookUp({ slug: 'acme' }, 'r-1')).rejects.toBeInstanceOf(TenantDirectoryUnavailableError);
    expect(server.asked).toEqual([]);
  });
});
