import { createTenant, createMember, errorCodes, graphql, useStack } from '@tenantry/testing';

describe('smoke', () => {
  const fixture = useStack();

  it('serves the current tenant through the gateway', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const res = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { id slug } members { role tenant { slug } user { email } } }', {
      token,
    });
    expect(errorCodes(res)).toEqual([]);
    expect(res.body.data).toEqual({
      currentTenant: { id: tenant.id, slug: tenant.slug },
      members: [{ role: 'OWNER', tenant: { slug: tenant.slug }, user: { email: owner.email } }],
    });
  });
});
