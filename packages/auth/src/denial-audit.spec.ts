import { buildSchema, execute, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { ForbiddenError } from '@tenantry/errors';
import { deniesAreAudited } from './permission-matrix';
import { allow, hasRole, isPermissionDenial, permissions } from './rules';

describe('which refusals are audited (ADR 0022)', () => {
  it('audits every mutation, whoever it is for', () => {
    expect(deniesAreAudited('Mutation.signIn', { allow: ['anyone'] })).toBe(true);
    expect(deniesAreAudited('Mutation.renameTenant', { allow: ['role:admin'] })).toBe(true);
  });

  it('audits queries for admins, staff or the audit trail, not ordinary reads', () => {
    expect(deniesAreAudited('Query.auditEvents', { allow: ['role:admin', 'scope:audit:read'], feature: 'audit_logs' })).toBe(true);
    expect(deniesAreAudited('Query.tenants', { allow: ['staff'] })).toBe(true);
    expect(deniesAreAudited('Query.billingReport', { allow: ['role:admin'] })).toBe(true);
    expect(deniesAreAudited('Query.members', { allow: ['role:viewer', 'scope:members:read'] })).toBe(false);
    expect(deniesAreAudited('Query.auditSigningKey', { allow: ['authenticated', 'scope:audit:read'] })).toBe(false);
  });

  it("tells a rule's refusal (and the deny-by-default one) from a resolver's own FORBIDDEN", async () => {
    const schema = buildSchema('type Query { adminOnly: String  own: String  unlisted: String }');
    const fields = schema.getQueryType()!.getFields();
    fields.own!.resolve = () => {
      throw new ForbiddenError('not yours', { requirement: 'role:admin' });
    };
    const guarded = applyMiddleware(schema, permissions({ Query: { adminOnly: hasRole('admin'), own: allow } }, []));
    const viewer = { requestId: 'r', tenantId: 't', principal: { kind: 'user', userId: 'u', role: 'viewer' } };

    const result = await execute({ schema: guarded, document: parse('{ adminOnly own unlisted }'), contextValue: viewer });

    const original = Object.fromEntries((result.errors ?? []).map((e) => [e.path![0], e.originalError]));
    expect(isPermissionDenial(original.adminOnly)).toBe(true);
    expect(isPermissionDenial(original.unlisted)).toBe(true);
    expect(isPermissionDenial(original.own)).toBe(false);
  });
});
