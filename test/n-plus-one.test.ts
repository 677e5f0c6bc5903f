import { CONTEXT_HEADER } from '@tenantry/auth';
import { statementCounts } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, useStack } from '@tenantry/testing';

const MEMBERS_QUERY = `{
  members(first: 100) {
    role
    user { email }
    tenant { slug name usage { resource used } }
  }
}`;

/** SQL statements each subgraph's pool sent while `work` ran. */
async function statementsDuring(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = statementCounts();
  await work();
  const after = statementCounts();
  const names = ['tenantry-tenant', 'tenantry-identity', 'tenantry-usage', 'tenantry-audit'];
  return Object.fromEntries(names.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]));
}

describe('a federated member list costs a constant number of SQL statements', () => {
  const fixture = useStack();

  async function tenantWithMembers(count: number) {
    const tenant = await createTenant(fixture.db.dataSource);
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    for (let i = 1; i < count; i++) await createMember(fixture.db.dataSource, tenant.id, 'member');
    const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    await graphql(fixture.stack.gatewayUrl, 'mutation { recordUsage(input: { resource: "api_calls", amount: 1 }) { used } }', { token });
    return { tenant, token };
  }

  it('is the same for 5 members and for 60 members, per subgraph', async () => {
    const small = await tenantWithMembers(5);
    const large = await tenantWithMembers(60);

    let smallResult: Awaited<ReturnType<typeof graphql>> | undefined;
    let largeResult: Awaited<ReturnType<typeof graphql>> | undefined;
    const smallCounts = await statementsDuring(async () => {
      smallResult = await graphql(fixture.stack.gatewayUrl, MEMBERS_QUERY, { token: small.token });
    });
    const largeCounts = await statementsDuring(async () => {
      largeResult = await graphql(fixture.stack.gatewayUrl, MEMBERS_QUERY, { token: large.token });
    });

    expect(errorCodes(smallResult!)).toEqual([]);
    expect(errorCodes(largeResult!)).toEqual([]);
    const members = (largeResult!.body.data as { members: { user: { email: string }; tenant: { slug: string; usage: unknown[] } }[] })
      .members;
    expect(members).toHaveLength(60);
    expect(
      members.every((m) => m.user.email.endsWith('@example.test') && m.tenant.slug === large.tenant.slug && m.tenant.usage.length === 1),
    ).toBe(true);

    expect(largeCounts).toEqual(smallCounts);
    // Each unit of work is BEGIN + tenant switch + reads + COMMIT; a handful per subgraph, not one per member.
    for (const count of Object.values(largeCounts)) expect(count).toBeLessThanOrEqual(12);
  });

  it('answers straight from the identity subgraph with every member and user, and cache-control: no-store', async () => {
    const { tenant } = await tenantWithMembers(3);
    const owner = (await fixture.db.dataSource.query(
      `SELECT user_id AS "userId" FROM platform.memberships WHERE tenant_id = $1 AND role = 'owner'`,
      [tenant.id],
    )) as { userId: string }[];
    const context = await fixture.stack.contextToken({
      requestId: 'n-plus-one-direct',
      tenantId: tenant.id,
      principal: { kind: 'user', userId: owner[0]!.userId, role: 'owner' },
    });

    const result = await graphql(
      fixture.stack.subgraphUrls.identity,
      '{ members(first: 100) { role status user { id email } tenant { id } } }',
      {
        headers: { [CONTEXT_HEADER]: context },
      },
    );

    expect(errorCodes(result)).toEqual([]);
    expect(result.headers.get('cache-control')).toBe('no-store');
    const members = (result.body.data as { members: { role: string; user: { email: string } | null; tenant: { id: string } }[] }).members;
    expect(members).toHaveLength(3);
    expect(members.every((m) => m.user !== null && m.user.email.endsWith('@example.test') && m.tenant.id === tenant.id)).toBe(true);
  });
});
