import { randomUUID } from 'node:crypto';
import { appendAuditEvent, type AuditEventInput } from '@tenantry/audit-writer';
import type { Principal } from '@tenantry/auth';
import { withTenant } from '@tenantry/tenancy';
import { createMember, createTenant, errorCodes, graphql, type TestTenant, useStack } from '@tenantry/testing';

const SEARCH = `query Search($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    edges { cursor node { sequence action actorId resourceType resourceId occurredAt hash previousHash } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Node {
  sequence: string;
  action: string;
  actorId: string | null;
  resourceType: string;
  resourceId: string;
  occurredAt: string;
  hash: string;
  previousHash: string;
}
interface Page {
  auditEvents: { edges: { cursor: string; node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('searching the audit trail', () => {
  const fixture = useStack();
  let tenant: TestTenant;
  let token: string;
  const alice: Principal = { kind: 'user', userId: randomUUID(), role: 'admin' };
  const bob: Principal = { kind: 'user', userId: randomUUID(), role: 'member' };

  const append = (event: Omit<AuditEventInput, 'actor'> & { actor?: Principal }) =>
    withTenant(fixture.db.dataSource, tenant.id, (m) => appendAuditEvent(m, { actor: alice, ...event }));

  beforeAll(async () => {
    tenant = await createTenant(fixture.db.dataSource, { plan: 'enterprise' });
    const admin = await createMember(fixture.db.dataSource, tenant.id, 'admin');
    token = await fixture.stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' });
    await append({ action: 'member.invited', resourceType: 'member', resourceId: 'carol@example.test' }); // 1
    await append({ action: 'member.role_changed', actor: bob, resourceType: 'member', resourceId: 'dave@example.test' }); // 2
    await append({ action: 'tenant.renamed', resourceType: 'tenant', resourceId: tenant.id }); // 3
    await append({ action: 'usage.recorded', actor: bob, resourceType: 'usage_counter', resourceId: 'api_calls' }); // 4
    await append({ action: 'member.removed', resourceType: 'member', resourceId: 'Carol_100%@example.test' }); // 5
  });

  async function search(variables: Record<string, unknown>): Promise<Page['auditEvents']> {
    const res = await graphql<Page>(fixture.stack.gatewayUrl, SEARCH, { token, variables });
    expect(errorCodes(res)).toEqual([]);
    return res.body.data!.auditEvents;
  }
  const seqs = (page: Page['auditEvents']) => page.edges.map((e) => e.node.sequence);

  it('lists newest first with each event linked to the one before', async () => {
    const page = await search({});
    expect(seqs(page)).toEqual(['5', '4', '3', '2', '1']);
    for (let i = 0; i < 4; i++) expect(page.edges[i]!.node.previousHash).toBe(page.edges[i + 1]!.node.hash);
    expect(page.edges[4]!.node.previousHash).toBe('0'.repeat(64));
  });

  it.each([
    ['actor', { actorId: bob.kind === 'user' ? bob.userId : '' }, ['4', '2']],
    ['action prefix', { actionPrefix: 'member.' }, ['5', '2', '1']],
    ['exact action as prefix', { actionPrefix: 'member.role_changed' }, ['2']],
    ['resource type', { resourceType: 'member' }, ['5', '2', '1']],
    ['resource type and id', { resourceType: 'usage_counter', resourceId: 'api_calls' }, ['4']],
    ['free text on resource id, case-insensitive', { resourceIdContains: 'CAROL' }, ['5', '1']],
    ['free text with LIKE wildcards taken literally', { resourceIdContains: '_100%' }, ['5']],
    ['combined filters', { actionPrefix: 'member.', actorId: bob.kind === 'user' ? bob.userId : '' }, ['2']],
  ])('filters by %s', async (_label, filter, expected) => {
    expect(seqs(await search({ filter }))).toEqual(expected);
  });

  it('filters by a time range [from, before)', async () => {
    const all = (await search({})).edges.map((e) => e.node);
    const third = all.find((n) => n.sequence === '3')!;
    const fifth = all.find((n) => n.sequence === '5')!;
    const page = await search({ filter: { occurredFrom: third.occurredAt, occurredBefore: fifth.occurredAt } });
    // Events sharing a millisecond may all fall on one side; the range holds whole instants.
    for (const node of page.edges.map((e) => e.node)) {
      expect(Date.parse(node.occurredAt)).toBeGreaterThanOrEqual(Date.parse(third.occurredAt));
      expect(Date.parse(node.occurredAt)).toBeLessThan(Date.parse(fifth.occurredAt));
    }
    expect(seqs(page)).toContain('3');
    expect(seqs(page)).not.toContain('5');
  });

  it('pages with a cursor and is not shifted by events appended between pages', async () => {
    const first = await search({ first: 2, filter: { actionPrefix: 'member.' } });
    expect(seqs(first)).toEqual(['5', '2']);
    expect(first.pageInfo.hasNextPage).toBe(true);

    await append({ action: 'member.invited', resourceType: 'member', resourceId: 'late@example.test' });
    const second = await search({ first: 2, after: first.pageInfo.endCursor, filter: { actionPrefix: 'member.' } });

    expect(seqs(second)).toEqual(['1']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    ['an action prefix with SQL in it', { actionPrefix: "member.' OR 1=1 --" }],
    ['an empty free text', { resourceIdContains: '' }],
    ['an overlong actor id', { actorId: 'x'.repeat(201) }],
  ])('refuses %s with BAD_USER_INPUT', async (_label, filter) => {
    const res = await graphql(fixture.stack.gatewayUrl, SEARCH, { token, variables: { filter } });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a member with FORBIDDEN', async () => {
    const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
    const memberToken = await fixture.stack.token({ userId: member.id, tenantId: tenant.id, role: 'member' });
    const res = await graphql(fixture.stack.gatewayUrl, SEARCH, { token: memberToken });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });
});
