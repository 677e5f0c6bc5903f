import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSchema, execute, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { rule } from 'graphql-shield';
import { loadPermissionMatrix, ruleForEntry, typeRulesFromMatrix, type PermissionMatrix } from './permission-matrix';
import { allow, isSelf, permissions, readsOnlyContext, type AuthContext } from './rules';

const matrix = loadPermissionMatrix();

/** Every shield rule an entry stands for, logic rules (or/and) opened up. */
function leafRules(root: unknown): unknown[] {
  const children = (root as { getRules?: () => unknown[] }).getRules?.();
  return children ? children.flatMap(leafRules) : [root];
}

const cacheOf = (candidate: unknown) => (candidate as { cache?: unknown }).cache;

function writeMatrix(content: object): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'permissions-')), 'permissions.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const people = [
  { id: 'u-self', email: 'self@example.test' },
  { id: 'u-other', email: 'other@example.test' },
];
const listSchema = () => {
  const schema = buildSchema('type Query { people: [User!]! } type User { id: ID! email: String }');
  schema.getQueryType()!.getFields().people!.resolve = () => people;
  return schema;
};
const asSelf: AuthContext = { requestId: 'r', tenantId: 't', principal: { kind: 'user', userId: 'u-self', role: 'viewer' } };

describe('config/permissions.json as rules', () => {
  it('caches by rule name only rules that cannot read parent or args, for every operation and field', () => {
    const entries = [
      ...Object.values(matrix.operations),
      ...Object.values(matrix.types ?? {}).flatMap((p) => ('fields' in p ? Object.values(p.fields) : [p])),
    ];
    const rules = entries.flatMap((entry) => leafRules(ruleForEntry(entry)));
    const offenders = rules.filter((r) => cacheOf(r) !== undefined && cacheOf(r) !== 'no_cache' && !readsOnlyContext(r));

    const names = new Set(rules.map((r) => (r as { name?: string }).name));
    expect([...names]).toEqual(
      expect.arrayContaining(['isSelf', 'hasRole:admin', 'hasScope:usage:read', 'hasFeature:audit_logs', 'isPlatformStaff']),
    );
    expect(offenders.map((r) => (r as { name: string }).name)).toEqual([]);
    expect(cacheOf(isSelf)).toBe('no_cache');
  });

  it("decides self per list item: the caller's own User shows, the next one does not", async () => {
    const schema = applyMiddleware(listSchema(), permissions({ Query: { people: allow }, User: { id: allow, email: isSelf } }, []));

    const result = await execute({ schema, document: parse('{ people { id email } }'), contextValue: { ...asSelf } });

    expect(result.data).toEqual({
      people: [
        { id: 'u-self', email: 'self@example.test' },
        { id: 'u-other', email: null },
      ],
    });
    expect(result.errors?.map((e) => ({ path: e.path, ext: e.extensions }))).toEqual([
      { path: ['people', 1, 'email'], ext: { code: 'FORBIDDEN', requirement: 'self' } },
    ]);
  });

  it('(the trap isSelf avoids) a parent-reading rule cached by name lets the first item decide for all', async () => {
    const leaky = rule('leakySelf', { cache: 'contextual' })((parent: { id: string }, _args, ctx: AuthContext) => {
      return ctx.principal.kind === 'user' && parent.id === ctx.principal.userId;
    });
    const schema = applyMiddleware(listSchema(), permissions({ Query: { people: allow }, User: { id: allow, email: leaky } }, []));

    const result = await execute({ schema, document: parse('{ people { email } }'), contextValue: { ...asSelf } });

    expect(result.data).toEqual({ people: [{ email: 'self@example.test' }, { email: 'other@example.test' }] });
  });

  it('refuses a type with neither one rule nor a rule for each field it serves', () => {
    const partial: PermissionMatrix = { operations: {}, types: { User: { fields: { id: { allow: ['anyone'] } } } } };

    expect(() => typeRulesFromMatrix(partial, { User: ['id', 'email'], Session: ['id'] })).toThrow(
      'No entry in config/permissions.json "types" for: User.email, Session',
    );
  });

  it('refuses self on an operation, a type with both allow and fields, and unknown grants', () => {
    const file = writeMatrix({
      operations: { 'Query.me': { allow: ['self'] } },
      types: { User: { allow: ['anyone'], fields: { id: { allow: ['anyone'] } } }, Session: { allow: ['owner'] } },
    });

    expect(() => loadPermissionMatrix(file)).toThrow(
      /Query\.me: self applies to fields of returned types only[\s\S]*types\.User: either allow[\s\S]*types\.Session: unknown grant owner/,
    );
  });

  it('still loads a file with operations only (the format before types existed)', () => {
    const file = writeMatrix({ operations: { 'Query.me': { allow: ['authenticated'] } } });

    expect(loadPermissionMatrix(file).operations['Query.me']).toEqual({ allow: ['authenticated'] });
  });
});
