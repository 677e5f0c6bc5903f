import { tenantSchemaName } from '@tenantry/tenancy';
import {
  createMember,
  createStaff,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
  useStack,
} from '@tenantry/testing';

const TENANT_FIELDS = `id slug name status plan dataResidency timezone locale trialEndsAt createdAt updatedAt parent { slug }`;
const CREATE = `mutation Create($input: CreateTenantInput!) { createTenant(input: $input) { ${TENANT_FIELDS} contact { adminEmail billingEmail phone } } }`;
const LIST = `query List($filter: TenantFilter, $page: TenantPageInput) {
  tenants(filter: $filter, page: $page) {
    totalCount countsByStatus { status count }
    pageInfo { hasNextPage endCursor }
    edges { cursor node { slug status plan dataResidency } }
  }
}`;

describe('tenant profile, look-up and staff listing (through the gateway)', () => {
  const fixture = useStack();
  let adminToken: string;
  let supportToken: string;
  beforeAll(async () => {
    const admin = await createStaff(fixture.db.dataSource, 'platform_admin');
    const support = await createStaff(fixture.db.dataSource, 'support');
    adminToken = await fixture.stack.token({ userId: admin.id, platformRole: 'platform_admin' });
    supportToken = await fixture.stack.token({ userId: support.id, platformRole: 'support' });
  });

  const uniqueSlug = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

  async function createViaApi(input: Record<string, unknown>) {
    const res = await graphql<{ createTenant: Record<string, unknown> & { id: string } }>(fixture.stack.gatewayUrl, CREATE, {
      token: adminToken,
      variables: { input },
    });
    expect(errorCodes(res)).toEqual([]);
    return res.body.data!.createTenant;
  }

  it('creates a tenant with every profile field, stored in PostgreSQL and audited', async () => {
    const slug = uniqueSlug('acme-eu');
    const created = await createViaApi({
      slug,
      name: 'Acme Europe',
      plan: 'pro',
      dataResidency: 'EU',
      trial: true,
      timezone: 'Europe/Berlin',
      locale: 'de-de',
      contact: { adminEmail: 'Ops@Acme.Example', billingEmail: 'billing@acme.example', phone: '+49 30 1234567' },
    });

    expect(created).toMatchObject({
      slug,
      name: 'Acme Europe',
      status: 'TRIAL',
      plan: 'pro',
      dataResidency: 'EU',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
      parent: null,
      contact: { adminEmail: 'ops@acme.example', billingEmail: 'billing@acme.example', phone: '+49301234567' },
    });
    const trialDays = (Date.parse(created.trialEndsAt as string) - Date.parse(created.createdAt as string)) / 86_400_000;
    expect(Math.round(trialDays)).toBe(14);
    const [row] = await fixture.db.dataSource.query(
      `SELECT status, data_residency, admin_email, phone, locale FROM platform.tenants WHERE id = $1`,
      [created.id],
    );
    expect(row).toEqual({ status: 'trial', data_residency: 'eu', admin_email: 'ops@acme.example', phone: '+49301234567', locale: 'de-DE' });
    const events = await fixture.db.dataSource.query(`SELECT action, actor_type FROM "${tenantSchemaName(created.id)}".audit_events`);
    expect(events).toEqual([{ action: 'tenant.created', actor_type: 'platform_staff' }]);
  });

  it('refuses invalid profile values with BAD_USER_INPUT naming the field', async () => {
    const res = await graphql(fixture.stack.gatewayUrl, CREATE, {
      token: adminToken,
      variables: { input: { slug: uniqueSlug('bad'), name: 'Bad', timezone: 'Mars/Olympus' } },
    });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.extensions).toMatchObject({ field: 'timezone', reason: 'INVALID_TIMEZONE' });

    const unknownPlan = await graphql(fixture.stack.gatewayUrl, CREATE, {
      token: adminToken,
      variables: { input: { slug: uniqueSlug('bad'), name: 'Bad', plan: 'platinum' } },
    });
    expect(unknownPlan.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_PLAN' });
  });

  it('builds a hierarchy with a parent, refuses an unknown parent and a fourth level', async () => {
    const root = await createViaApi({ slug: uniqueSlug('root'), name: 'Root', plan: 'business' });
    const child = await createViaApi({ slug: uniqueSlug('child'), name: 'Child', parentId: root.id });
    const grandchild = await createViaApi({ slug: uniqueSlug('grand'), name: 'Grandchild', parentId: child.id });
    expect(grandchild.parent).toEqual({ slug: child.slug });

    const tooDeep = await graphql(fixture.stack.gatewayUrl, CREATE, {
      token: adminToken,
      variables: { input: { slug: uniqueSlug('deep'), name: 'Too deep', parentId: grandchild.id } },
    });
    expect(tooDeep.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'HIERARCHY_TOO_DEEP', limit: 3 });
    const orphan = await graphql(fixture.stack.gatewayUrl, CREATE, {
      token: adminToken,
      variables: { input: { slug: uniqueSlug('orphan'), name: 'Orphan', parentId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(orphan.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PARENT_NOT_FOUND' });
    // Nothing half-made: the refused tenants have no registry row and no schema.
    const [{ n }] = await fixture.db.dataSource.query(
      `SELECT count(*)::int AS n FROM platform.tenants WHERE name IN ('Too deep', 'Orphan')`,
    );
    expect(n).toBe(0);

    // The root's own members see its children only because its plan has tenant_hierarchy.
    const owner = await createMember(fixture.db.dataSource, root.id, 'owner');
    const token = await fixture.stack.token({ userId: owner.id, tenantId: root.id, role: 'owner' });
    const res = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { children { slug } } }', { token });
    expect(errorCodes(res)).toEqual([]);
    expect(res.body.data).toEqual({ currentTenant: { children: [{ slug: child.slug }] } });
  });

  it('moves tenants within the hierarchy, refusing cycles and trees that would grow past three levels', async () => {
    const MOVE = `mutation M($tenantId: ID!, $parentId: ID) { changeTenantParent(tenantId: $tenantId, parentId: $parentId) { slug parent { slug } } }`;
    const move = (tenantId: string, parentId: string | null) =>
      graphql<{ changeTenantParent: { slug: string; parent: { slug: string } | null } }>(fixture.stack.gatewayUrl, MOVE, {
        token: adminToken,
        variables: { tenantId, parentId },
      });
    const a = await createViaApi({ slug: uniqueSlug('a'), name: 'A' });
    const b = await createViaApi({ slug: uniqueSlug('b'), name: 'B', parentId: a.id });
    const c = await createViaApi({ slug: uniqueSlug('c'), name: 'C', parentId: b.id });
    const loner = await createViaApi({ slug: uniqueSlug('loner'), name: 'Loner' });

    const cycle = await move(a.id, c.id);
    const self = await move(a.id, a.id);
    const tooDeep = await move(a.id, loner.id);
    expect(cycle.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'HIERARCHY_CYCLE' });
    expect(self.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'HIERARCHY_CYCLE' });
    expect(tooDeep.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'HIERARCHY_TOO_DEEP' });

    const moved = await move(c.id, loner.id);
    const detached = await move(b.id, null);
    expect(moved.body.data).toEqual({ changeTenantParent: { slug: c.slug, parent: { slug: loner.slug } } });
    expect(detached.body.data).toEqual({ changeTenantParent: { slug: b.slug, parent: null } });
    const parents = await fixture.db.dataSource.query(
      `SELECT slug, parent_id FROM platform.tenants WHERE id = ANY($1::uuid[]) ORDER BY name`,
      [[a.id, b.id, c.id]],
    );
    expect(parents).toEqual([
      { slug: a.slug, parent_id: null },
      { slug: b.slug, parent_id: null },
      { slug: c.slug, parent_id: loner.id },
    ]);
    const events = await fixture.db.dataSource.query(`SELECT action, changes FROM "${tenantSchemaName(c.id)}".audit_events ORDER BY seq`);
    expect(events.at(-1)).toEqual({ action: 'tenant.parent_changed', changes: { parentId: { from: b.id, to: loner.id } } });
  });

  it('refuses Tenant.children to a plan without tenant_hierarchy with FEATURE_NOT_IN_PLAN', async () => {
    const tenant = await createTenant(fixture.db.dataSource, { plan: 'free' });
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const res = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { slug children { slug } } }', { token });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FEATURE_NOT_IN_PLAN', feature: 'tenant_hierarchy' });
    expect(res.body.data).toEqual({ currentTenant: null });
  });

  it("finds a member's own tenant by id and slug, and no other tenant", async () => {
    const mine = await createTenant(fixture.db.dataSource);
    const theirs = await createTenant(fixture.db.dataSource);
    const member = await createMember(fixture.db.dataSource, mine.id, 'member');
    const token = await fixture.stack.token({ userId: member.id, tenantId: mine.id, role: 'member' });
    const query = `query Q($id: ID, $slug: String) { tenant(id: $id, slug: $slug) { id slug } }`;

    const byId = await graphql(fixture.stack.gatewayUrl, query, { token, variables: { id: mine.id } });
    const bySlug = await graphql(fixture.stack.gatewayUrl, query, { token, variables: { slug: mine.slug } });
    const foreignById = await graphql(fixture.stack.gatewayUrl, query, { token, variables: { id: theirs.id } });
    const foreignBySlug = await graphql(fixture.stack.gatewayUrl, query, { token, variables: { slug: theirs.slug } });

    expect(byId.body.data).toEqual({ tenant: { id: mine.id, slug: mine.slug } });
    expect(bySlug.body.data).toEqual({ tenant: { id: mine.id, slug: mine.slug } });
    expect(foreignById.body.data).toEqual({ tenant: null });
    expect(foreignBySlug.body.data).toEqual({ tenant: null });
  });

  it('refuses a look-up by both id and slug, or neither, with BAD_USER_INPUT', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const query = `query Q($id: ID, $slug: String) { tenant(id: $id, slug: $slug) { id } }`;
    const both = await graphql(fixture.stack.gatewayUrl, query, { token: supportToken, variables: { id: tenant.id, slug: tenant.slug } });
    const neither = await graphql(fixture.stack.gatewayUrl, query, { token: supportToken });
    expect(both.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_LOOKUP' });
    expect(errorCodes(neither)).toEqual(['BAD_USER_INPUT']);
  });

  it('lets platform staff look any tenant up by slug', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const res = await graphql(
      fixture.stack.gatewayUrl,
      `
        query Q($slug: String) {
          tenant(slug: $slug) {
            id
          }
        }
      `,
      {
        token: supportToken,
        variables: { slug: tenant.slug },
      },
    );
    expect(res.body.data).toEqual({ tenant: { id: tenant.id } });
  });

  it('shows contact details to admins and refuses them to members with FORBIDDEN', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
    const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
    const adminToken2 = await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' });
    const memberToken = await fixture.stack.token({ userId: member.id, tenantId: tenant.id, role: 'member' });
    const update = await graphql(
      fixture.stack.gatewayUrl,
      `
        mutation {
          updateTenantProfile(input: { timezone: "Europe/London", contact: { billingEmail: "AP@Example.com" } }) {
            timezone
            contact {
              billingEmail
              adminEmail
            }
          }
        }
      `,
      { token: adminToken2 },
    );
    expect(errorCodes(update)).toEqual([]);
    expect(update.body.data).toEqual({
      updateTenantProfile: { timezone: 'Europe/London', contact: { billingEmail: 'ap@example.com', adminEmail: null } },
    });
    const events = await fixture.db.dataSource.query(`SELECT action, changes FROM "${tenantSchemaName(tenant.id)}".audit_events`);
    expect(events).toEqual([
      {
        action: 'tenant.profile_updated',
        changes: { timezone: { from: 'UTC', to: 'Europe/London' }, billingEmail: { from: null, to: 'ap@example.com' } },
      },
    ]);

    const asMember = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { timezone contact { billingEmail } } }', {
      token: memberToken,
    });
    expect(errorCodes(asMember)).toEqual(['FORBIDDEN']);
    const memberUpdate = await graphql(fixture.stack.gatewayUrl, 'mutation { updateTenantProfile(input: { locale: "fr" }) { locale } }', {
      token: memberToken,
    });
    expect(errorCodes(memberUpdate)).toEqual(['FORBIDDEN']);
  });

  describe('staff listing', () => {
    let listDb: TestDatabase;
    let listStack: Stack;
    let token: string;
    beforeAll(async () => {
      // Its own database, so the counts are exact.
      listDb = await createTestDatabase();
      listStack = await startStack(listDb.url);
      const staff = await createStaff(listDb.dataSource, 'support');
      token = await listStack.token({ userId: staff.id, platformRole: 'support' });
      for (let i = 0; i < 7; i++) await createTenant(listDb.dataSource, { slug: `free-${i}`, plan: 'free' });
      for (let i = 0; i < 3; i++) await createTenant(listDb.dataSource, { slug: `pro-${i}`, plan: 'pro' });
      await listDb.dataSource.query(`UPDATE platform.tenants SET data_residency = 'eu' WHERE slug IN ('free-1', 'pro-2')`);
      await listDb.dataSource.query(`UPDATE platform.tenants SET status = 'suspended' WHERE slug IN ('free-2', 'free-3')`);
    });
    afterAll(async () => {
      await listStack?.stop();
      await listDb?.drop();
    });

    it('walks every tenant exactly once, oldest first, in pages with a cursor', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const res: Awaited<
          ReturnType<
            typeof graphql<{
              tenants: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { slug: string } }[]; totalCount: number };
            }>
          >
        > = await graphql(listStack.gatewayUrl, LIST, { token, variables: { page: { first: 4, after } } });
        expect(errorCodes(res)).toEqual([]);
        const page = res.body.data!.tenants;
        expect(page.totalCount).toBe(10);
        seen.push(...page.edges.map((e) => e.node.slug));
        pages++;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual([...Array.from({ length: 7 }, (_, i) => `free-${i}`), 'pro-0', 'pro-1', 'pro-2']);
    });

    it('filters by plan, residency and status, with counts per status', async () => {
      const byPlan = await graphql<{ tenants: { totalCount: number; countsByStatus: unknown } }>(listStack.gatewayUrl, LIST, {
        token,
        variables: { filter: { plan: 'free' } },
      });
      expect(byPlan.body.data!.tenants.totalCount).toBe(7);
      expect(byPlan.body.data!.tenants.countsByStatus).toEqual([
        { status: 'ACTIVE', count: 5 },
        { status: 'SUSPENDED', count: 2 },
      ]);
      const eu = await graphql<{ tenants: { edges: { node: { slug: string } }[] } }>(listStack.gatewayUrl, LIST, {
        token,
        variables: { filter: { dataResidency: 'EU' } },
      });
      expect(eu.body.data!.tenants.edges.map((e) => e.node.slug)).toEqual(['free-1', 'pro-2']);
      const suspended = await graphql<{ tenants: { totalCount: number; edges: { node: { slug: string; status: string } }[] } }>(
        listStack.gatewayUrl,
        LIST,
        { token, variables: { filter: { status: 'SUSPENDED', plan: 'free' } } },
      );
      expect(suspended.body.data!.tenants.totalCount).toBe(2);
      expect(suspended.body.data!.tenants.edges.map((e) => e.node)).toEqual([
        { slug: 'free-2', status: 'SUSPENDED', plan: 'free', dataResidency: 'US' },
        { slug: 'free-3', status: 'SUSPENDED', plan: 'free', dataResidency: 'US' },
      ]);
    });

    it('refuses the listing to tenant members with FORBIDDEN and a forged cursor with BAD_USER_INPUT', async () => {
      const tenant = await createTenant(listDb.dataSource);
      const owner = await createMember(listDb.dataSource, tenant.id, 'owner');
      const ownerToken = await listStack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
      const asOwner = await graphql(listStack.gatewayUrl, LIST, { token: ownerToken });
      expect(errorCodes(asOwner)).toEqual(['FORBIDDEN']);
      const forged = await graphql(listStack.gatewayUrl, LIST, {
        token,
        variables: { page: { after: "x'; DROP TABLE platform.tenants; --" } },
      });
      expect(errorCodes(forged)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
