import { buildSchema, execute, parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { IRules } from 'graphql-shield';
import { allow, hasRole, isPlatformStaff, or, permissions, type AuthContext } from '@tenantry/auth';
import { NotFoundError } from '@tenantry/errors';
import { effectiveRule, unwrapAllowedFields } from './build-subgraph';

const SDL = `
  type Query { org: Org  orgs: [Org!]!  loose: Loose  failing: Org }
  type Org { id: ID!  name: String  contact: Contact  secretNote: String  members: [Member!]!  brokenCount: Int  loose: Loose  plain: Plain }
  type Contact { email: String }
  type Member { name: String  salary: Int  boss: Member }
  type Loose { anything: String }
  type Plain { value: String  hidden: String }
`;

/** Org: allow for most fields; contact/secretNote guarded; Member a map; Loose has no rule at all. */
const RULES: IRules = {
  Query: { org: allow, orgs: allow, loose: allow, failing: allow },
  Org: { '*': allow, contact: or(hasRole('admin'), isPlatformStaff), secretNote: hasRole('owner') },
  Contact: allow,
  Member: { name: allow, boss: allow },
  Plain: allow,
};

const member = (name: string, boss?: unknown) => ({ name, salary: 100, boss });
const org = {
  id: 'o1',
  name: 'Acme',
  contact: { email: 'a@example.test' },
  secretNote: 'hidden',
  members: [member('ann', member('bob')), member('cy')],
  loose: { anything: 'x' },
  plain: { value: 'v', hidden: 'h' },
};

function unguardedSchema(): GraphQLSchema {
  const schema = buildSchema(SDL);
  const query = schema.getQueryType()!.getFields();
  query.org!.resolve = () => org;
  query.orgs!.resolve = () => [org, org];
  query.loose!.resolve = () => ({ anything: 'y' });
  query.failing!.resolve = () => ({ ...org, name: undefined });
  const orgFields = (schema.getType('Org') as import('graphql').GraphQLObjectType).getFields();
  // A resolver of an allowed field that fails (its own error must come through unchanged) and one that is async.
  orgFields.brokenCount!.resolve = () => {
    throw new NotFoundError('Count');
  };
  orgFields.name!.resolve = async (parent: { name?: string }) => {
    if (parent.name === undefined) throw new NotFoundError('Name');
    return parent.name;
  };
  const plain = (schema.getType('Plain') as import('graphql').GraphQLObjectType).getFields();
  plain.hidden!.resolve = (p: { hidden: string }) => p.hidden.toUpperCase();
  return schema;
}

function guarded(): { schema: GraphQLSchema; unguarded: GraphQLSchema } {
  const unguarded = unguardedSchema();
  return { schema: applyMiddleware(unguarded, permissions(RULES, [])), unguarded };
}

const contexts: [string, AuthContext][] = [
  ['member', { requestId: 'r', tenantId: 't', principal: { kind: 'user', userId: 'u', role: 'member' } }],
  ['owner', { requestId: 'r', tenantId: 't', principal: { kind: 'user', userId: 'u', role: 'owner' } }],
  ['anonymous', { requestId: 'r', principal: { kind: 'anonymous' } }],
];

const QUERIES = [
  '{ org { id name contact { email } secretNote brokenCount members { name salary boss { name salary } } loose { anything } plain { value hidden } __typename } }',
  '{ orgs { name contact { email } members { boss { boss { name } } } } }',
  '{ loose { anything } failing { id name } }',
  '{ org { secretNote } }',
];

async function run(schema: GraphQLSchema, query: string, context: AuthContext) {
  const result = await execute({ schema, document: parse(query), contextValue: { ...context } });
  return JSON.parse(
    JSON.stringify({
      data: result.data,
      // Errors in path order: a field that no longer awaits can finish (and fail) earlier than before.
      errors: result.errors
        ?.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions }))
        .sort((a, b) => String(a.path?.join('.')).localeCompare(String(b.path?.join('.')))),
    }),
  ) as unknown;
}

describe('fields whose rule is allow lose only the wrapper (ADR 0027)', () => {
  it('unwraps exactly the non-root fields whose effective rule is allow', () => {
    const { schema, unguarded } = guarded();

    const unwrapped = unwrapAllowedFields(schema, unguarded, RULES);

    expect(unwrapped.sort()).toEqual(
      [
        'Contact.email',
        'Member.boss',
        'Member.name',
        'Org.brokenCount',
        'Org.id',
        'Org.loose',
        'Org.members',
        'Org.name',
        'Org.plain',
        'Plain.hidden',
        'Plain.value',
      ].sort(),
    );
    expect(effectiveRule(RULES, 'Member', 'salary')).not.toBe(allow);
    expect(effectiveRule(RULES, 'Loose', 'anything')).not.toBe(allow);
  });

  it.each(contexts)('answers every query exactly as the fully wrapped schema does, as %s: same data, same denials', async (_who, ctx) => {
    const wrapped = guarded().schema;
    const { schema, unguarded } = guarded();
    unwrapAllowedFields(schema, unguarded, RULES);

    for (const query of QUERIES) {
      expect(await run(schema, query, ctx)).toEqual(await run(wrapped, query, ctx));
    }
  });

  it('still denies what the rules deny after unwrapping (not vacuous: the denials are there)', async () => {
    const { schema, unguarded } = guarded();
    unwrapAllowedFields(schema, unguarded, RULES);

    const result = (await run(schema, QUERIES[0]!, contexts[0]![1])) as {
      data: { org: Record<string, unknown> };
      errors: { path: (string | number)[]; extensions: { code: string; requirement?: string } }[];
    };

    const denied = result.errors.filter((e) => e.extensions.code === 'FORBIDDEN').map((e) => e.path.join('.'));
    expect(denied.sort()).toEqual(
      [
        'org.contact',
        'org.loose.anything',
        'org.members.0.salary',
        'org.members.0.boss.salary',
        'org.members.1.salary',
        'org.secretNote',
      ].sort(),
    );
    expect(result.errors.find((e) => e.path.join('.') === 'org.brokenCount')?.extensions.code).toBe('NOT_FOUND');
    expect(result.data.org.plain).toEqual({ value: 'v', hidden: 'H' });
  });

  it('leaves root fields wrapped even when their rule is allow', () => {
    const { schema, unguarded } = guarded();
    unwrapAllowedFields(schema, unguarded, RULES);

    expect(schema.getQueryType()!.getFields().org!.resolve).not.toBe(unguarded.getQueryType()!.getFields().org!.resolve);
  });
});
