import { createMember, createTenant, errorCodes, graphql, useStack } from '@tenantry/testing';

describe('operation limits at the gateway', () => {
  const fixture = useStack();
  let token: string;
  beforeAll(async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
  });

  it.each([
    ['depth', `{ ${'members { user { '.repeat(7)}email${' } }'.repeat(7)} }`],
    ['aliases', `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: currentTenant { id }`).join(' ')} }`],
    ['aliases', `{ currentTenant { ${'__typename '.repeat(200)} } }`],
    ['rootFields', `{ ${'me { id } '.repeat(25)} }`],
    ['directives', `{ currentTenant @include(if: true) { ${'id @skip(if: false) '.repeat(30)} } }`],
    [
      'cost',
      `{ ${Array.from({ length: 7 }, (_, i) => `m${i}: members(first: 100) { user { email } tenant { slug name usage { resource used } } }`).join(' ')} }`,
    ],
    ['tokens', `{ currentTenant { id ${'name '.repeat(6000)} } }`],
    ['characters', `{ currentTenant { id } } # ${'x'.repeat(60_000)}`],
  ])('refuses a document over the %s limit with HTTP 400 OPERATION_NOT_ALLOWED, naming the limit', async (limit, query) => {
    const res = await graphql(fixture.stack.gatewayUrl, query, { token });

    expect(res.status).toBe(400);
    expect(errorCodes(res)).toEqual(['OPERATION_NOT_ALLOWED']);
    expect(res.body.errors?.[0]?.extensions?.limits).toEqual(
      expect.arrayContaining([expect.objectContaining({ limit, max: expect.any(Number) })]),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at [A-Za-z]+ \(/);
  });

  it('refuses batched requests', async () => {
    const res = await fetch(fixture.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };

    expect(res.status).toBe(400);
    expect(body.errors[0]!.extensions.code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('still answers ordinary queries, and a syntax error is BAD_USER_INPUT', async () => {
    const ok = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { id } members(first: 20) { role user { email } } }', { token });
    const broken = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { id ', { token });

    expect(errorCodes(ok)).toEqual([]);
    expect(broken.status).toBe(400);
    expect(errorCodes(broken)).toEqual(['BAD_USER_INPUT']);
  });
});
