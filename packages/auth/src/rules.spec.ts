import type { GraphQLResolveInfo } from 'graphql';
import type { IRule } from 'graphql-shield';
import { hasFeature, type AuthContext } from './rules';

/** Runs one shield rule outside a schema, as shield would for a field. */
async function evaluate(rule: IRule, ctx: AuthContext): Promise<unknown> {
  const resolve = (rule as unknown as { resolve: (...args: unknown[]) => Promise<unknown> }).resolve.bind(rule);
  return resolve({}, {}, { ...ctx, _shield: { cache: {} } }, {} as GraphQLResolveInfo, { debug: false, allowExternalErrors: true });
}

const member: AuthContext = {
  requestId: 'req-feature-0001',
  tenantId: '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f',
  principal: { kind: 'user', userId: '9c1f7e2a-0000-4000-8000-000000000001', role: 'member' },
};

describe('hasFeature', () => {
  it('allows a tenant whose effective features include the code', async () => {
    const result = await evaluate(hasFeature('custom_branding'), { ...member, features: async () => new Set(['custom_branding']) });
    expect(result).toBe(true);
  });

  it('refuses with FEATURE_NOT_IN_PLAN naming the feature otherwise', async () => {
    const result = await evaluate(hasFeature('sso'), { ...member, features: async () => new Set(['custom_branding']) });
    expect(result).toEqual(
      expect.objectContaining({ extensions: { code: 'FEATURE_NOT_IN_PLAN', feature: 'sso', requirement: 'feature:sso' } }),
    );
  });

  it('refuses when the subgraph provides no feature set, and anonymous callers as UNAUTHENTICATED', async () => {
    const none = await evaluate(hasFeature('sso'), member);
    const anonymous = await evaluate(hasFeature('sso'), { requestId: 'req-anon-00001', principal: { kind: 'anonymous' } });
    expect(none).toEqual(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FEATURE_NOT_IN_PLAN' }) }));
    expect(anonymous).toEqual(expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', requirement: 'feature:sso' } }));
  });
});
