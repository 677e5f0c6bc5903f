import {
  createTenant,
  createMember,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
} from '@tenantry/testing';

describe('smoke', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('serves the current tenant through the gateway', async () => {
    const tenant = await createTenant(db.dataSource);
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const res = await graphql(stack.gatewayUrl, '{ currentTenant { id slug } members { role tenant { slug } user { email } } }', { token });
    expect(errorCodes(res)).toEqual([]);
    expect(res.body.data).toEqual({
      currentTenant: { id: tenant.id, slug: tenant.slug },
      members: [{ role: 'OWNER', tenant: { slug: tenant.slug }, user: { email: owner.email } }],
    });
  });
});
