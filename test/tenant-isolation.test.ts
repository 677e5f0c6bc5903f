import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource, pgCode, quoteIdent, tenantSchemaName, withTenant } from '@tenantry/tenancy';
import {
  createMember,
  createStaff,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  type GraphQLResponse,
  type TestDatabase,
  type TestTenant,
  type TestUser,
  useStack,
} from '@tenantry/testing';

/** PostgreSQL's insufficient_privilege: what a tenant role gets for anything not its own. */
const PERMISSION_DENIED = '42501';

/** A real tenant id with letters and zeros in it, so look-alike substitutions change something. */
const SAMPLE_ID = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';

/** Tenant ids an attacker (or a bug) might hand to the tenant switch. None is a canonical tenant id. */
const HOSTILE_TENANT_IDS: [label: string, value: string][] = [
  ['quote break-out of the search_path literal', `${SAMPLE_ID}", public, "platform`],
  ['statement injection', `${SAMPLE_ID}'; DROP SCHEMA platform CASCADE; --`],
  ['bare DROP SCHEMA', '; DROP SCHEMA platform CASCADE'],
  ['upper-case UUID', SAMPLE_ID.toUpperCase()],
  ['UUID with a trailing newline', `${SAMPLE_ID}\n`],
  ['UUID with a leading space', ` ${SAMPLE_ID}`],
  ['UUID with a NUL byte', `${SAMPLE_ID}\u0000`],
  ['Cyrillic а for Latin a', SAMPLE_ID.replace(/a/g, '\u0430')],
  ['full-width digits', SAMPLE_ID.replace(/0/g, '\uff10')],
  ['Unicode hyphens', SAMPLE_ID.replace(/-/g, '\u2010')],
  ['empty', ''],
  ['the shared schema', 'platform'],
  ['the public schema', 'public'],
  ['a schema name instead of an id', `tenant_${SAMPLE_ID.replace(/-/g, '')}`],
  ['UUID without dashes', SAMPLE_ID.replace(/-/g, '')],
  ['UUID in braces', `{${SAMPLE_ID}}`],
  ['path traversal', `../${SAMPLE_ID}`],
  ['nil UUID', '00000000-0000-0000-0000-000000000000'],
  ['very long', SAMPLE_ID.repeat(40)],
];

/** Slugs createTenant must refuse before any SQL runs. */
const HOSTILE_SLUGS: [label: string, value: string][] = [
  ['quote and statement injection', 'a"; drop schema platform cascade; --'],
  ['single-quote injection', "a'); drop table platform.tenants; --"],
  ['path traversal', '../x'],
  ['upper case', 'UPPER'],
  ['leading dash', '-lead'],
  ['trailing dash', 'trail-'],
  ['64 characters', 'a'.repeat(64)],
  ['emoji', 'acme-\u{1F3E2}'],
  ['spaces', 'has space'],
  ['empty', ''],
  ['underscore', 'tenant_x'],
  ['trailing newline', 'acme\n'],
  ['Cyrillic look-alike', '\u0430cme'],
  ['NUL byte', 'acme\u0000x'],
];

/** HTTP cannot carry control characters, and parsers trim surrounding whitespace; everything else goes on the wire. */
function sendableAsHeader(value: string): boolean {
  return value.trim() === value && !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
}

/**
 * POSTs with a raw X-Tenant-Id header. fetch() refuses non-Latin-1 header values, so the
 * value goes out as its UTF-8 bytes, exactly as a hand-written client would send them.
 */
function postWithTenantHeader(
  url: string,
  tenantHeader: string,
  query: string,
  token?: string,
): Promise<GraphQLResponse<Record<string, unknown>>> {
  const body = JSON.stringify({ query, variables: {} });
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-tenant-id': Buffer.from(tenantHeader, 'utf8').toString('latin1'),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve({
              status: response.statusCode ?? 0,
              headers: new Headers(),
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLResponse['body'],
            });
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** What withTenant threw, in the shape a caller sees: the public code, or the driver's SQLSTATE. */
async function failureOf(attempt: Promise<unknown>): Promise<{ code: unknown; sqlState: string | undefined; message: string }> {
  try {
    await attempt;
  } catch (error) {
    const e = error as { extensions?: { code?: unknown }; message?: string };
    return { code: e.extensions?.code, sqlState: pgCode(error), message: String(e.message) };
  }
  throw new Error('expected the attempt to be refused, but it succeeded');
}

const usageMarker = (manager: EntityManager, resource: string) =>
  manager.query(
    `INSERT INTO usage_counters (resource, period_start, used)
     VALUES ($1, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 1)`,
    [resource],
  );

const count = async (dataSource: DataSource, sql: string): Promise<number> => {
  const [row] = (await dataSource.query(sql)) as { n: string }[];
  return Number(row!.n);
};

describe('tenant isolation', () => {
  describe('one pooled connection alternating between tenants', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ poolSize: 1 });
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('never returns a foreign row, and hands the connection back carrying nothing of the last tenant', async () => {
      const a = await createTenant(db.dataSource, { plan: 'enterprise' });
      const b = await createTenant(db.dataSource, { plan: 'enterprise' });
      await withTenant(db.dataSource, a.id, (m) => usageMarker(m, 'marker_of_a'));
      await withTenant(db.dataSource, b.id, (m) => usageMarker(m, 'marker_of_b'));
      const [{ loginRole }] = (await db.dataSource.query('SELECT session_user AS "loginRole"')) as { loginRole: string }[];
      const expected = new Map([
        [a.id, ['marker_of_a']],
        [b.id, ['marker_of_b']],
      ]);

      const started = Date.now();
      const observations = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const tenant = i % 2 === 0 ? a : b;
          const [inside] = (await withTenant(db.dataSource, tenant.id, (m) =>
            m.query(
              `SELECT current_setting('tenantry.tenant_id') AS "tenantId",
                      pg_backend_pid() AS pid,
                      ARRAY(SELECT resource FROM usage_counters ORDER BY resource) AS resources`,
            ),
          )) as { tenantId: string; pid: number; resources: string[] }[];
          const [after] = (await db.dataSource.query(
            `SELECT current_setting('search_path') AS "searchPath",
                    current_user AS "currentUser",
                    current_setting('tenantry.tenant_id', true) AS "tenantId",
                    pg_backend_pid() AS pid`,
          )) as { searchPath: string; currentUser: string; tenantId: string | null; pid: number }[];
          return { tenant: tenant.id, inside: inside!, after: after! };
        }),
      );
      const elapsed = Date.now() - started;

      const foreignReads = observations.filter(
        ({ tenant, inside }) => inside.tenantId !== tenant || JSON.stringify(inside.resources) !== JSON.stringify(expected.get(tenant)),
      );
      const leftovers = observations.filter(
        ({ after }) =>
          after.searchPath !== '"$user", public' || after.currentUser !== loginRole || (after.tenantId !== null && after.tenantId !== ''),
      );
      expect(foreignReads).toEqual([]);
      expect(leftovers).toEqual([]);
      // One backend served every unit of work and every plain query: the pool really had one connection.
      expect(new Set(observations.flatMap(({ inside, after }) => [inside.pid, after.pid])).size).toBe(1);
      expect(observations.filter(({ tenant }) => tenant === a.id)).toHaveLength(500);
      expect(elapsed).toBeLessThan(20_000);
    });
  });

  describe('defences below search_path', () => {
    let db: TestDatabase;
    let a: TestTenant;
    let b: TestTenant;
    let ownerOfA: TestUser;
    let memberOfA: TestUser;
    let ownerOfB: TestUser;
    let onlyInB: TestUser;
    let inBoth: TestUser;
    beforeAll(async () => {
      db = await createTestDatabase();
      a = await createTenant(db.dataSource, { plan: 'enterprise' });
      b = await createTenant(db.dataSource, { plan: 'enterprise' });
      ownerOfA = await createMember(db.dataSource, a.id, 'owner');
      memberOfA = await createMember(db.dataSource, a.id, 'member');
      ownerOfB = await createMember(db.dataSource, b.id, 'owner');
      onlyInB = await createMember(db.dataSource, b.id, 'member');
      inBoth = await createMember(db.dataSource, a.id, 'viewer');
      await createMember(db.dataSource, b.id, 'admin', inBoth.email);
      await createStaff(db.dataSource);
      await withTenant(db.dataSource, b.id, (m) => usageMarker(m, 'secret_of_b'));
    });
    afterAll(async () => {
      await db?.drop();
    });

    const schemaOf = (tenant: TestTenant) => quoteIdent(tenantSchemaName(tenant.id));

    it("refuses a query that names another tenant's schema explicitly", async () => {
      const failure = await failureOf(
        withTenant(db.dataSource, a.id, (m) => m.query(`SELECT resource FROM ${schemaOf(b)}.usage_counters`)),
      );

      expect(failure.sqlState).toBe(PERMISSION_DENIED);
      expect(failure.message).toMatch(/permission denied for schema/);
    });

    it("refuses another tenant's tables even after search_path is pointed at its schema in the same transaction", async () => {
      const explicit = await failureOf(
        withTenant(db.dataSource, a.id, async (m) => {
          await m.query(`SELECT set_config('search_path', $1, true)`, [schemaOf(b)]);
          return m.query(`SELECT resource FROM ${schemaOf(b)}.usage_counters`);
        }),
      );
      const unqualified = await failureOf(
        withTenant(db.dataSource, a.id, async (m) => {
          await m.query(`SELECT set_config('search_path', $1, true)`, [schemaOf(b)]);
          return m.query(`SELECT resource FROM usage_counters`);
        }),
      );

      expect(explicit.sqlState).toBe(PERMISSION_DENIED);
      // PostgreSQL drops schemas the role may not use from the effective search_path, so the
      // unqualified name finds no table at all (42P01) rather than B's table.
      expect(unqualified.sqlState).toBe('42P01');
      expect(unqualified.message).not.toMatch(/secret_of_b/);
    });

    it("shows only the tenant's own registry row, memberships and people", async () => {
      const seen = await withTenant(db.dataSource, a.id, async (m) => ({
        tenants: ((await m.query('SELECT id FROM platform.tenants ORDER BY id')) as { id: string }[]).map((r) => r.id),
        memberships: (
          (await m.query('SELECT tenant_id AS "tenantId", user_id AS "userId", role FROM platform.memberships')) as {
            tenantId: string;
            userId: string;
            role: string;
          }[]
        ).sort((x, y) => x.userId.localeCompare(y.userId)),
        users: ((await m.query('SELECT id FROM platform.users')) as { id: string }[]).map((r) => r.id).sort(),
        onlyInB: (await m.query('SELECT id FROM platform.users WHERE id = $1', [onlyInB.id])) as unknown[],
      }));

      expect(seen.tenants).toEqual([a.id]);
      expect(seen.memberships).toEqual(
        [
          { tenantId: a.id, userId: ownerOfA.id, role: 'owner' },
          { tenantId: a.id, userId: memberOfA.id, role: 'member' },
          { tenantId: a.id, userId: inBoth.id, role: 'viewer' },
        ].sort((x, y) => x.userId.localeCompare(y.userId)),
      );
      expect(seen.users).toEqual([ownerOfA.id, memberOfA.id, inBoth.id].sort());
      expect(seen.onlyInB).toEqual([]);
      expect(seen.users).not.toContain(ownerOfB.id);
    });

    it("keeps shared rows keyed to the tenant's role, so resetting tenantry.tenant_id to another tenant reveals nothing", async () => {
      const seen = await withTenant(db.dataSource, a.id, async (m) => {
        await m.query(`SELECT set_config('tenantry.tenant_id', $1, true)`, [b.id]);
        return {
          tenants: ((await m.query('SELECT id FROM platform.tenants')) as { id: string }[]).map((r) => r.id),
          memberships: ((await m.query('SELECT DISTINCT tenant_id FROM platform.memberships')) as { tenant_id: string }[]).map(
            (r) => r.tenant_id,
          ),
          onlyInB: (await m.query('SELECT id FROM platform.users WHERE id = $1', [onlyInB.id])) as unknown[],
        };
      });

      expect(seen.tenants).toEqual([a.id]);
      expect(seen.memberships).toEqual([a.id]);
      expect(seen.onlyInB).toEqual([]);
    });

    it('refuses to write a membership for another tenant, and cannot touch its registry row', async () => {
      const insert = await failureOf(
        withTenant(db.dataSource, a.id, (m) =>
          m.query(`INSERT INTO platform.memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [b.id, memberOfA.id]),
        ),
      );
      const [, renamed] = (await withTenant(db.dataSource, a.id, (m) =>
        m.query(`UPDATE platform.tenants SET name = 'pwned' WHERE id = $1`, [b.id]),
      )) as [unknown, number];

      expect(insert.sqlState).toBe(PERMISSION_DENIED);
      expect(insert.message).toMatch(/row-level security/);
      expect(renamed).toBe(0);
      expect(
        await db.dataSource.query(`SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2`, [b.id, memberOfA.id]),
      ).toEqual([]);
      expect(await db.dataSource.query(`SELECT name FROM platform.tenants WHERE id = $1`, [b.id])).toEqual([{ name: `Tenant ${b.slug}` }]);
    });
  });

  describe('through the stack', () => {
    const fixture = useStack();
    let a: TestTenant;
    let b: TestTenant;
    let ownerOfA: TestUser;
    let viewerOfA: TestUser;
    let ownerOfB: TestUser;
    let onlyInB: TestUser;
    let inBoth: TestUser;
    let tokenOfA: string;
    let tokenOfB: string;
    beforeAll(async () => {
      a = await createTenant(fixture.db.dataSource, { plan: 'enterprise' });
      b = await createTenant(fixture.db.dataSource, { plan: 'enterprise' });
      ownerOfA = await createMember(fixture.db.dataSource, a.id, 'owner');
      viewerOfA = await createMember(fixture.db.dataSource, a.id, 'viewer');
      ownerOfB = await createMember(fixture.db.dataSource, b.id, 'owner');
      onlyInB = await createMember(fixture.db.dataSource, b.id, 'member');
      inBoth = await createMember(fixture.db.dataSource, a.id, 'member');
      await createMember(fixture.db.dataSource, b.id, 'admin', inBoth.email);
      tokenOfA = await fixture.stack.token({ userId: ownerOfA.id, tenantId: a.id, role: 'owner' });
      tokenOfB = await fixture.stack.token({ userId: ownerOfB.id, tenantId: b.id, role: 'owner' });
    });

    const RECORD_USAGE = 'mutation ($resource: String!) { recordUsage(input: { resource: $resource, amount: 3 }) { resource used } }';

    describe('hostile tenant ids', () => {
      it.each(HOSTILE_TENANT_IDS)('withTenant refuses %s with BAD_USER_INPUT before any SQL', async (_label, hostile) => {
        // Never initialised, pointing nowhere: any attempt to reach SQL would fail differently.
        const unreachable = createDataSource({ url: 'postgres://nobody:nothing@127.0.0.1:1/nowhere', poolSize: 1 });
        let workRan = false;

        const failure = await failureOf(
          withTenant(unreachable, hostile, async () => {
            workRan = true;
          }),
        );

        expect(failure.code).toBe('BAD_USER_INPUT');
        expect(workRan).toBe(false);
      });

      it('reaches for the database with a well-formed id, so the refusals above really happened before SQL', async () => {
        const unreachable = createDataSource({ url: 'postgres://nobody:nothing@127.0.0.1:1/nowhere', poolSize: 1 });

        const failure = await failureOf(withTenant(unreachable, randomUUID(), async () => undefined));

        expect(failure.code).not.toBe('BAD_USER_INPUT');
      });

      it('withTenant answers NOT_FOUND for a well-formed id of a tenant that does not exist', async () => {
        const schemasBefore = await count(fixture.db.dataSource, `SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'`);
        let workRan = false;

        const failure = await failureOf(
          withTenant(fixture.db.dataSource, randomUUID(), async () => {
            workRan = true;
          }),
        );

        expect(failure.code).toBe('NOT_FOUND');
        expect(workRan).toBe(false);
        expect(await count(fixture.db.dataSource, `SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'`)).toBe(
          schemasBefore,
        );
      });

      it.each(HOSTILE_TENANT_IDS.filter(([, value]) => sendableAsHeader(value)))(
        'the gateway refuses X-Tenant-Id %s with HTTP 403 FORBIDDEN',
        async (_label, hostile) => {
          const anonymous = await postWithTenantHeader(fixture.stack.gatewayUrl, hostile, '{ currentTenant { id slug } }');
          const ownerOfAnother = await postWithTenantHeader(fixture.stack.gatewayUrl, hostile, '{ currentTenant { id slug } }', tokenOfA);

          for (const res of [anonymous, ownerOfAnother]) {
            expect({ status: res.status, codes: errorCodes(res), data: res.body.data ?? null }).toEqual({
              status: 403,
              codes: ['FORBIDDEN'],
              data: null,
            });
          }
        },
      );

      it('the gateway refuses X-Tenant-Id naming a tenant that does not exist with HTTP 403 FORBIDDEN', async () => {
        const res = await postWithTenantHeader(fixture.stack.gatewayUrl, randomUUID(), '{ currentTenant { id slug } }', tokenOfA);

        expect({ status: res.status, codes: errorCodes(res), data: res.body.data ?? null }).toEqual({
          status: 403,
          codes: ['FORBIDDEN'],
          data: null,
        });
      });

      it('createTenant refuses hostile slugs with BAD_USER_INPUT and creates nothing', async () => {
        const staff = await createStaff(fixture.db.dataSource, 'platform_admin');
        const token = await fixture.stack.token({ userId: staff.id, platformRole: 'platform_admin' });
        const tenantsBefore = await count(fixture.db.dataSource, 'SELECT count(*) AS n FROM platform.tenants');
        const schemasBefore = await count(fixture.db.dataSource, `SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'`);

        const outcomes = await Promise.all(
          HOSTILE_SLUGS.map(async ([label, slug]) => {
            const res = await graphql(
              fixture.stack.gatewayUrl,
              'mutation ($slug: String!) { createTenant(input: { slug: $slug, name: "Hostile" }) { id } }',
              {
                token,
                variables: { slug },
              },
            );
            return { label, codes: errorCodes(res), data: res.body.data ?? null };
          }),
        );

        expect(outcomes).toEqual(HOSTILE_SLUGS.map(([label]) => ({ label, codes: ['BAD_USER_INPUT'], data: null })));
        expect(await count(fixture.db.dataSource, 'SELECT count(*) AS n FROM platform.tenants')).toBe(tenantsBefore);
        expect(await count(fixture.db.dataSource, `SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'`)).toBe(
          schemasBefore,
        );
        expect(await count(fixture.db.dataSource, `SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'platform'`)).toBe(1);
      });
    });

    describe('federation references', () => {
      const contextFor = (tenant: TestTenant, user: TestUser) =>
        fixture.stack.contextToken({ requestId: 'r-1', tenantId: tenant.id, principal: { kind: 'user', userId: user.id, role: 'owner' } });

      async function entities(subgraph: 'tenant' | 'usage' | 'identity', selection: string, representations: object[]) {
        const res = await graphql(
          fixture.stack.subgraphUrls[subgraph],
          `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`,
          { headers: { 'x-tenantry-context': await contextFor(a, ownerOfA) }, variables: { representations } },
        );
        expect(errorCodes(res)).toEqual([]);
        return (res.body.data as { _entities: unknown[] })._entities;
      }

      it("the tenant subgraph resolves another tenant's Tenant to null, exactly like one that does not exist", async () => {
        const tenant = (id: string) => ({ __typename: 'Tenant', id });

        const resolved = await entities('tenant', '... on Tenant { id name }', [tenant(b.id), tenant(randomUUID()), tenant(a.id)]);

        expect(resolved).toEqual([null, null, { id: a.id, name: `Tenant ${a.slug}` }]);
      });

      it("the usage subgraph resolves another tenant's Tenant.usage to null, exactly like one that does not exist", async () => {
        const recorded = await Promise.all([
          graphql(fixture.stack.gatewayUrl, RECORD_USAGE, { token: tokenOfA, variables: { resource: 'reference_calls_a' } }),
          graphql(fixture.stack.gatewayUrl, RECORD_USAGE, { token: tokenOfB, variables: { resource: 'reference_calls_b' } }),
        ]);
        expect(recorded.map(errorCodes)).toEqual([[], []]);
        const tenant = (id: string) => ({ __typename: 'Tenant', id });

        const resolved = (await entities('usage', '... on Tenant { id usage { resource } }', [
          tenant(b.id),
          tenant(randomUUID()),
          tenant(a.id),
        ])) as ({ id: string; usage: { resource: string }[] } | null)[];

        expect(resolved.slice(0, 2)).toEqual([null, null]);
        expect(resolved[2]?.id).toBe(a.id);
        expect(resolved[2]?.usage.map((u) => u.resource)).toContain('reference_calls_a');
        expect(JSON.stringify(resolved)).not.toContain('reference_calls_b');
      });

      it('the identity subgraph resolves a person of another tenant to null, exactly like one that does not exist', async () => {
        const user = (id: string) => ({ __typename: 'User', id });

        const resolved = await entities('identity', '... on User { id email }', [user(onlyInB.id), user(randomUUID()), user(viewerOfA.id)]);

        expect(resolved).toEqual([null, null, { id: viewerOfA.id, email: viewerOfA.email }]);
      });
    });

    describe('the gateway', () => {
      it('refuses an owner of A asking for B with X-Tenant-Id, and returns nothing of B', async () => {
        const res = await graphql(
          fixture.stack.gatewayUrl,
          '{ currentTenant { id slug name } members { user { id email } } usageCounters { resource } }',
          {
            token: tokenOfA,
            headers: { 'x-tenant-id': b.id },
          },
        );

        expect({ status: res.status, codes: errorCodes(res), data: res.body.data ?? null }).toEqual({
          status: 403,
          codes: ['FORBIDDEN'],
          data: null,
        });
        const text = JSON.stringify(res.body);
        for (const secret of [b.slug, ownerOfB.id, ownerOfB.email, onlyInB.email]) expect(text).not.toContain(secret);
      });

      it("lists only A's people as A's members, with their role in A", async () => {
        const res = await graphql<{ members: { role: string; user: { id: string } | null; tenant: { id: string } }[] }>(
          fixture.stack.gatewayUrl,
          '{ members { role user { id email } tenant { id } } }',
          { token: tokenOfA },
        );

        expect(errorCodes(res)).toEqual([]);
        const members = res.body.data!.members.map((m) => ({ role: m.role, userId: m.user?.id, tenantId: m.tenant.id }));
        expect(members.sort((x, y) => String(x.userId).localeCompare(String(y.userId)))).toEqual(
          [
            { role: 'OWNER', userId: ownerOfA.id, tenantId: a.id },
            { role: 'VIEWER', userId: viewerOfA.id, tenantId: a.id },
            { role: 'MEMBER', userId: inBoth.id, tenantId: a.id },
          ].sort((x, y) => x.userId.localeCompare(y.userId)),
        );
        expect(JSON.stringify(res.body)).not.toContain(onlyInB.email);
      });

      it("never shows B's audit events in A's audit trail", async () => {
        const recordedInA = await graphql(fixture.stack.gatewayUrl, RECORD_USAGE, {
          token: tokenOfA,
          variables: { resource: 'audit_calls_a' },
          headers: { 'x-request-id': 'isolation-request-a' },
        });
        const recordedInB = await graphql(fixture.stack.gatewayUrl, RECORD_USAGE, {
          token: tokenOfB,
          variables: { resource: 'audit_calls_b' },
          headers: { 'x-request-id': 'isolation-request-b' },
        });
        expect([errorCodes(recordedInA), errorCodes(recordedInB)]).toEqual([[], []]);

        const res = await graphql<{
          auditEvents: { edges: { node: { action: string; actorId: string; resourceId: string; requestId: string } }[] };
        }>(fixture.stack.gatewayUrl, '{ auditEvents(first: 100) { edges { node { action actorId resourceId requestId } } } }', {
          token: tokenOfA,
        });

        expect(errorCodes(res)).toEqual([]);
        const events = res.body.data!.auditEvents.edges.map((e) => e.node);
        expect(events).toContainEqual({
          action: 'usage.recorded',
          actorId: ownerOfA.id,
          resourceId: 'audit_calls_a',
          requestId: 'isolation-request-a',
        });
        expect(events.filter((e) => e.actorId !== ownerOfA.id || !e.resourceId.endsWith('_a'))).toEqual([]);
        const text = JSON.stringify(res.body);
        for (const secret of ['audit_calls_b', 'isolation-request-b', ownerOfB.id]) expect(text).not.toContain(secret);
      });
    });
  });
});
