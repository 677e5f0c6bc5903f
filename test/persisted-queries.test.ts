import { createHash, randomUUID } from 'node:crypto';
import { createMember, createTenant, useStack } from '@tenantry/testing';

/** A query no earlier run registered (the comment makes its hash unique). */
function uniqueQuery() {
  const query = `{ currentTenant { slug } } # ${randomUUID()}`;
  return { query, hash: createHash('sha256').update(query).digest('hex') };
}

async function send(url: string, token: string, { query, hash }: { query: string; hash: string }, withQuery: boolean) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      ...(withQuery ? { query } : {}),
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] },
  };
}

function suite(name: string, env: () => Record<string, string>) {
  describe(name, () => {
    const fixture = useStack(env());
    let token: string;
    let slug: string;
    beforeAll(async () => {
      const tenant = await createTenant(fixture.db.dataSource);
      const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      slug = tenant.slug;
    });

    it('asks for the query once, then runs it by hash (on another replica too when they share Redis)', async () => {
      const second = env().REDIS_URL ? await fixture.stack.addGateway() : fixture.stack.gatewayUrl;
      const operation = uniqueQuery();
      const unknown = await send(second, token, operation, false);
      const registered = await send(fixture.stack.gatewayUrl, token, operation, true);
      const byHash = await send(second, token, operation, false);

      expect(unknown.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(registered.body).toEqual({ data: { currentTenant: { slug } } });
      expect(byHash.body).toEqual({ data: { currentTenant: { slug } } });
    });
  });
}

suite('automatic persisted queries (in memory)', () => ({ REDIS_URL: '' }));

const redisUrl = process.env.REDIS_URL;
// Shared across replicas only through Redis: skipped (reported, not passed) when no Redis is configured.
(redisUrl ? describe : describe.skip)('with Redis', () => {
  suite('automatic persisted queries shared by two replicas', () => ({ REDIS_URL: redisUrl!, APQ_TTL_SECONDS: '5' }));
});
