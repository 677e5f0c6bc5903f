import { assertTenantId, quoteIdent, tenantGatedRoleName, tenantRoleName, tenantSchemaName } from './naming';

describe('tenant naming', () => {
  const id = '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f';

  it('derives the schema and role from the id alone', () => {
    expect(tenantSchemaName(id)).toBe('tenant_3f2a6c1e9b7d4c2a8e1f0a1b2c3d4e5f');
    expect(tenantRoleName(id)).toBe('tenant_3f2a6c1e9b7d4c2a8e1f0a1b2c3d4e5f_rw');
    expect(tenantGatedRoleName(id)).toBe('tenant_3f2a6c1e9b7d4c2a8e1f0a1b2c3d4e5f_gated');
  });

  it.each([
    ['upper case', id.toUpperCase()],
    ['quote break-out', `${id}"; DROP SCHEMA platform CASCADE; --`],
    ['no dashes', id.replace(/-/g, '')],
    ['empty', ''],
    ['path traversal', '../platform'],
    ['a slug', 'acme'],
  ])('rejects %s with BAD_USER_INPUT', (_label, value) => {
    expect(() => tenantSchemaName(value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => assertTenantId(value)).toThrow();
  });

  it('quotes only identifiers that already match the strict pattern', () => {
    expect(quoteIdent('tenant_abc')).toBe('"tenant_abc"');
    expect(() => quoteIdent('a"b')).toThrow();
    expect(() => quoteIdent('Platform')).toThrow();
  });
});
