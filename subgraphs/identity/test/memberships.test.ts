import type { TenantRole } from '@tenantry/auth';
import { withTenant } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, type TestTenant, type TestUser, useStack } from '@tenantry/testing';

const PAGE = `query ($first: Int, $after: String, $role: MemberRole, $status: MemberStatus) {
  membersConnection(first: $first, after: $after, role: $role, status: $status) {
    edges { cursor node { role user { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const REMOVE = 'mutation ($id: ID!) { removeMember(userId: $id) }';
const LEAVE = 'mutation { leaveTenant }';
const TRANSFER = 'mutation ($id: ID!) { transferOwnership(userId: $id) { role user { id } } }';
const SUSPEND = 'mutation ($id: ID!) { suspendMember(userId: $id) { status } }';
const REACTIVATE = 'mutation ($id: ID!) { reactivateMember(userId: $id) { status } }';
const CHANGE = 'mutation ($id: ID!, $role: MemberRole!) { changeMemberRole(input: { userId: $id, role: $role }) { role } }';

type Page = {
  membersConnection: {
    edges: { cursor: string; node: { role: string; user: { id: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe('memberships through the gateway', () => {
  const fixture = useStack();

  const tokenFor = (tenant: TestTenant, user: TestUser, role: TenantRole) =>
    fixture.stack.token({ userId: user.id, tenantId: tenant.id, role });
  const roleOf = async (tenant: TestTenant, user: TestUser) =>
    (
      await fixture.db.dataSource.query(`SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2`, [tenant.id, user.id])
    )[0]?.role as string | undefined;

  describe('listing', () => {
    let tenant: TestTenant;
    let owner: TestUser;
    const members: TestUser[] = [];
    beforeAll(async () => {
      tenant = await createTenant(fixture.db.dataSource);
      owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      for (const role of ['member', 'admin', 'member', 'viewer', 'member'] as const) {
        members.push(await createMember(fixture.db.dataSource, tenant.id, role));
      }
      // Other tenants' members never show up in this list.
      const other = await createTenant(fixture.db.dataSource);
      await createMember(fixture.db.dataSource, other.id, 'member');
    });

    it('pages through every member exactly once, oldest first', async () => {
      const token = await tokenFor(tenant, owner, 'viewer');
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res: Awaited<ReturnType<typeof graphql<Page>>> = await graphql<Page>(fixture.stack.gatewayUrl, PAGE, {
          token,
          variables: { first: 2, after },
        });
        expect(errorCodes(res)).toEqual([]);
        const { edges, pageInfo } = res.body.data!.membersConnection;
        seen.push(...edges.map((e) => e.node.user.id));
        after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
        pages += 1;
      } while (after);
      expect(pages).toBe(3);
      expect(seen).toEqual([owner.id, ...members.map((m) => m.id)]);
    });

    it('filters by role', async () => {
      const res = await graphql<Page>(fixture.stack.gatewayUrl, PAGE, {
        token: await tokenFor(tenant, owner, 'owner'),
        variables: { role: 'MEMBER' },
      });
      const { edges, pageInfo } = res.body.data!.membersConnection;
      expect(edges.map((e) => e.node.role)).toEqual(['MEMBER', 'MEMBER', 'MEMBER']);
      expect(pageInfo.hasNextPage).toBe(false);
    });

    it('refuses a cursor it did not issue as BAD_USER_INPUT', async () => {
      const res = await graphql(fixture.stack.gatewayUrl, PAGE, {
        token: await tokenFor(tenant, owner, 'owner'),
        variables: { after: 'bogus' },
      });
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('removing, leaving and transferring', () => {
    let tenant: TestTenant;
    let owner: TestUser;
    beforeEach(async () => {
      tenant = await createTenant(fixture.db.dataSource);
      owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    });

    it('an admin removes a member, and the removal is audited in the same tenant', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const res = await graphql(fixture.stack.gatewayUrl, REMOVE, {
        token: await tokenFor(tenant, admin, 'admin'),
        variables: { id: member.id },
      });
      expect(res.body.data).toEqual({ removeMember: true });
      expect(await roleOf(tenant, member)).toBeUndefined();
      const audit = await withTenant(fixture.db.dataSource, tenant.id, (m) =>
        m.query(`SELECT action, actor_id AS "actorId", resource_id AS "resourceId" FROM audit_events`),
      );
      expect(audit).toEqual([{ action: 'member.removed', actorId: admin.id, resourceId: member.id }]);
    });

    it('an admin cannot remove an owner (a role above their own)', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      await createMember(fixture.db.dataSource, tenant.id, 'owner');
      const res = await graphql(fixture.stack.gatewayUrl, REMOVE, {
        token: await tokenFor(tenant, admin, 'admin'),
        variables: { id: owner.id },
      });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(await roleOf(tenant, owner)).toBe('owner');
    });

    it('a manager cannot remove anyone', async () => {
      const manager = await createMember(fixture.db.dataSource, tenant.id, 'manager');
      const viewer = await createMember(fixture.db.dataSource, tenant.id, 'viewer');
      const res = await graphql(fixture.stack.gatewayUrl, REMOVE, {
        token: await tokenFor(tenant, manager, 'manager'),
        variables: { id: viewer.id },
      });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(await roleOf(tenant, viewer)).toBe('viewer');
    });

    it('the last owner can be neither removed nor leave (CONFLICT), but one of two owners can', async () => {
      const token = await tokenFor(tenant, owner, 'owner');
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, REMOVE, { token, variables: { id: owner.id } }))).toEqual(['CONFLICT']);
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, LEAVE, { token }))).toEqual(['CONFLICT']);
      expect(await roleOf(tenant, owner)).toBe('owner');

      const coOwner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      expect((await graphql(fixture.stack.gatewayUrl, LEAVE, { token })).body.data).toEqual({ leaveTenant: true });
      expect(await roleOf(tenant, owner)).toBeUndefined();
      expect(await roleOf(tenant, coOwner)).toBe('owner');
    });

    it('two owners removing each other at the same moment leave exactly one owner', async () => {
      const coOwner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      const [first, second] = await Promise.all([
        graphql(fixture.stack.gatewayUrl, REMOVE, { token: await tokenFor(tenant, owner, 'owner'), variables: { id: coOwner.id } }),
        graphql(fixture.stack.gatewayUrl, REMOVE, { token: await tokenFor(tenant, coOwner, 'owner'), variables: { id: owner.id } }),
      ]);
      // The loser is refused either as the last owner or, once removed, as no longer a member.
      const refusals = [...errorCodes(first), ...errorCodes(second)];
      expect(refusals).toHaveLength(1);
      expect(['CONFLICT', 'FORBIDDEN']).toContain(refusals[0]);
      const owners = await fixture.db.dataSource.query(`SELECT 1 FROM platform.memberships WHERE tenant_id = $1 AND role = 'owner'`, [
        tenant.id,
      ]);
      expect(owners).toHaveLength(1);
    });

    it('a member leaves the tenant', async () => {
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const res = await graphql(fixture.stack.gatewayUrl, LEAVE, { token: await tokenFor(tenant, member, 'member') });
      expect(res.body.data).toEqual({ leaveTenant: true });
      expect(await roleOf(tenant, member)).toBeUndefined();
    });

    it('removing someone who is not a member is NOT_FOUND, even if they belong to another tenant', async () => {
      const other = await createTenant(fixture.db.dataSource);
      const stranger = await createMember(fixture.db.dataSource, other.id, 'member');
      const res = await graphql(fixture.stack.gatewayUrl, REMOVE, {
        token: await tokenFor(tenant, owner, 'owner'),
        variables: { id: stranger.id },
      });
      expect(errorCodes(res)).toEqual(['NOT_FOUND']);
      expect(await roleOf(other, stranger)).toBe('member');
    });

    it('an owner transfers ownership explicitly and becomes an admin', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const res = await graphql(fixture.stack.gatewayUrl, TRANSFER, {
        token: await tokenFor(tenant, owner, 'owner'),
        variables: { id: admin.id },
      });
      expect(res.body.data).toEqual({ transferOwnership: { role: 'OWNER', user: { id: admin.id } } });
      expect([await roleOf(tenant, owner), await roleOf(tenant, admin)]).toEqual(['admin', 'owner']);
    });

    it('an admin cannot transfer ownership, and nobody transfers to themselves', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const byAdmin = await graphql(fixture.stack.gatewayUrl, TRANSFER, {
        token: await tokenFor(tenant, admin, 'admin'),
        variables: { id: admin.id },
      });
      expect(errorCodes(byAdmin)).toEqual(['FORBIDDEN']);
      const toSelf = await graphql(fixture.stack.gatewayUrl, TRANSFER, {
        token: await tokenFor(tenant, owner, 'owner'),
        variables: { id: owner.id },
      });
      expect(errorCodes(toSelf)).toEqual(['BAD_USER_INPUT']);
      expect(await roleOf(tenant, owner)).toBe('owner');
    });

    it('an owner whose token is stale (demoted since) cannot transfer: the database role decides', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const formerOwner = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const staleToken = await tokenFor(tenant, formerOwner, 'owner');
      const res = await graphql(fixture.stack.gatewayUrl, TRANSFER, { token: staleToken, variables: { id: admin.id } });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(await roleOf(tenant, admin)).toBe('admin');
    });

    it('an admin demoted since their token was issued can no longer remove or change anyone', async () => {
      const demoted = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const staleAdminToken = await tokenFor(tenant, demoted, 'admin');
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, REMOVE, { token: staleAdminToken, variables: { id: member.id } }))).toEqual(
        ['FORBIDDEN'],
      );
      expect(
        errorCodes(
          await graphql(fixture.stack.gatewayUrl, CHANGE, { token: staleAdminToken, variables: { id: member.id, role: 'VIEWER' } }),
        ),
      ).toEqual(['FORBIDDEN']);
      expect(await roleOf(tenant, member)).toBe('member');
    });

    it('an admin cannot grant owner nor demote an owner (escalation)', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const token = await tokenFor(tenant, admin, 'admin');
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, CHANGE, { token, variables: { id: member.id, role: 'OWNER' } }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, CHANGE, { token, variables: { id: owner.id, role: 'VIEWER' } }))).toEqual([
        'FORBIDDEN',
      ]);
      expect([await roleOf(tenant, member), await roleOf(tenant, owner)]).toEqual(['member', 'owner']);
    });
  });

  describe('suspension', () => {
    let tenant: TestTenant;
    let owner: TestUser;
    let ownerToken: string;
    beforeEach(async () => {
      tenant = await createTenant(fixture.db.dataSource);
      owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      ownerToken = await tokenFor(tenant, owner, 'owner');
    });
    const statusOf = async (user: TestUser) =>
      (
        await fixture.db.dataSource.query(`SELECT status FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2`, [
          tenant.id,
          user.id,
        ])
      )[0]?.status as string | undefined;

    it('an admin suspends and reactivates a member; the list filters by status', async () => {
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      expect((await graphql(fixture.stack.gatewayUrl, SUSPEND, { token: ownerToken, variables: { id: member.id } })).body.data).toEqual({
        suspendMember: { status: 'SUSPENDED' },
      });
      const suspended = await graphql<Page>(fixture.stack.gatewayUrl, PAGE, { token: ownerToken, variables: { status: 'SUSPENDED' } });
      expect(suspended.body.data!.membersConnection.edges.map((e) => e.node.user.id)).toEqual([member.id]);
      const active = await graphql<Page>(fixture.stack.gatewayUrl, PAGE, { token: ownerToken, variables: { status: 'ACTIVE' } });
      expect(active.body.data!.membersConnection.edges.map((e) => e.node.user.id)).toEqual([owner.id]);

      expect((await graphql(fixture.stack.gatewayUrl, REACTIVATE, { token: ownerToken, variables: { id: member.id } })).body.data).toEqual({
        reactivateMember: { status: 'ACTIVE' },
      });
      expect(await statusOf(member)).toBe('active');
    });

    it('a suspended admin manages nothing, even with a token issued before the suspension', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
      const adminToken = await tokenFor(tenant, admin, 'admin');
      await graphql(fixture.stack.gatewayUrl, SUSPEND, { token: ownerToken, variables: { id: admin.id } });
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, REMOVE, { token: adminToken, variables: { id: member.id } }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(await statusOf(member)).toBe('active');
    });

    it('nobody suspends a role above their own, and the last active owner cannot be suspended', async () => {
      const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
      const adminToken = await tokenFor(tenant, admin, 'admin');
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, SUSPEND, { token: adminToken, variables: { id: owner.id } }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, SUSPEND, { token: ownerToken, variables: { id: owner.id } }))).toEqual([
        'CONFLICT',
      ]);

      // With a second owner suspended, the first is still the last *active* one.
      const coOwner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, SUSPEND, { token: ownerToken, variables: { id: coOwner.id } }))).toEqual(
        [],
      );
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, LEAVE, { token: ownerToken }))).toEqual(['CONFLICT']);
      expect(errorCodes(await graphql(fixture.stack.gatewayUrl, TRANSFER, { token: ownerToken, variables: { id: coOwner.id } }))).toEqual([
        'CONFLICT',
      ]);
      expect(await statusOf(owner)).toBe('active');
    });
  });
});
