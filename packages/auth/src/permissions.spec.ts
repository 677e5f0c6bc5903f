import { buildSchema, execute, parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { rule } from 'graphql-shield';
import { NotFoundError } from '@tenantry/errors';
import { allow, hasRole, permissions, type AuthContext } from './rules';

/** The known graphql-shield traps (issue 10), each pinned by a test on a tiny schema. */
function schemaWith(resolvers: Record<string, () => unknown>): GraphQLSchema {
  const schema = buildSchema(`
    type Query { guarded: String  open: String  failing: String  secretViaDefault: Secret  counted: Int }
    type Secret { value: String }
  `);
  const fields = schema.getQueryType()!.getFields();
  for (const [name, resolve] of Object.entries(resolvers)) fields[name]!.resolve = resolve;
  return schema;
}

const viewer: AuthContext = {
  requestId: 'r',
  tenantId: '7f0c1e4e-8a7b-4c1d-9a8e-2b3c4d5e6f70',
  principal: { kind: 'user', userId: 'u', role: 'viewer' },
};

async function run(schema: GraphQLSchema, query: string, context: object = { ...viewer }) {
  return execute({ schema, document: parse(query), contextValue: context });
}

describe('graphql-shield as Tenantry applies it', () => {
  it('denies a field that has no rule (deny by default), with FORBIDDEN, no stack and a fresh error each time', async () => {
    const schema = applyMiddleware(schemaWith({ open: () => 'ok', guarded: () => 'secret' }), permissions({ Query: { open: allow } }, []));

    const first = await run(schema, '{ open guarded }');
    const second = await run(schema, '{ guarded }');

    expect(first.data).toEqual({ open: 'ok', guarded: null });
    expect(first.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requirement: 'none' });
    expect(first.errors?.[0]?.originalError).not.toBe(second.errors?.[0]?.originalError);
    expect(JSON.stringify(first.errors)).not.toMatch(/stacktrace/);
  });

  it("passes a resolver's own error through unchanged (NOT_FOUND stays NOT_FOUND)", async () => {
    const schema = applyMiddleware(
      schemaWith({
        failing: () => {
          throw new NotFoundError('Thing');
        },
      }),
      permissions({ Query: { failing: allow } }, []),
    );

    const result = await run(schema, '{ failing }');

    expect(result.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('guards fields served by the default resolver too', async () => {
    const schema = applyMiddleware(
      schemaWith({ secretViaDefault: () => ({ value: 'hidden' }) }),
      permissions({ Query: { secretViaDefault: allow }, Secret: { value: hasRole('admin') } }, []),
    );

    const result = await run(schema, '{ secretViaDefault { value } }');

    expect(result.data).toEqual({ secretViaDefault: { value: null } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requirement: 'role:admin' });
  });

  it('decides again for every request: a fresh context shares no rule cache with another', async () => {
    let evaluations = 0;
    const counting = rule('counting', { cache: 'contextual' })(() => {
      evaluations++;
      return true;
    });
    const schema = applyMiddleware(schemaWith({ counted: () => 1 }), permissions({ Query: { counted: counting } }, []));

    await run(schema, '{ a: counted b: counted }');
    await run(schema, '{ counted }');

    // Cached within one request (two aliases, one evaluation), never across requests.
    expect(evaluations).toBe(2);
  });
});
