import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { API_KEY_SCOPES, allows, fieldEntry, loadPermissionMatrix, type Principal, type Subject } from '@tenantry/auth';
import { loadPlanCatalog } from '@tenantry/plans';
import {
  createMember,
  createStaff,
  createTenant,
  graphql,
  type Stack,
  type TestDatabase,
  useStack,
  placeholderValue,
} from '@tenantry/testing';

/**
 * Runs every operation of the supergraph as every kind of caller and checks that graphql-shield
 * lets through exactly whom config/permissions.json says. A denial is an error on the root field
 * carrying `extensions.requirement` (what a rule sets); anything else — data, NOT_FOUND,
 * BAD_USER_INPUT for the placeholder arguments — means the caller got past the permission layer.
 */
const schema: GraphQLSchema = Supergraph.build(readFileSync(path.resolve(__dirname, '../schema/supergraph.graphql'), 'utf8'))
  .apiSchema()
  .toGraphQLJSSchema();
const matrix = loadPermissionMatrix();
const catalog = loadPlanCatalog();
const features = (plan: string) => new Set(catalog.plans.find((p) => p.code === plan)!.features);

/** `query|mutation ($a0: T!, …) { field(arg: $a0 …) { __typename } }` with placeholder variables. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const declarations = required.map((a, i) => `$a${i}: ${String(a.type)}`).join(', ');
  const args = required.map((a, i) => `${a.name}: $a${i}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
  return {
    query: `${kind}${declarations ? ` (${declarations})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((a, i) => [`a${i}`, placeholderValue(a.type)])),
  };
}

type Item = Record<string, unknown>;

/**
 * How the field-level test reaches each type whose fields are not all open to whoever reaches it:
 * the root field, the fields passed on the way (each with its own entry), where the objects are
 * in the answer, and whether an object belongs to the caller (for `self`).
 */
interface Reach {
  root: string;
  via: string[];
  query: (selection: string) => string;
  parents: (data: Record<string, unknown>) => Item[];
  owns: (item: Item, userId: string | undefined) => boolean;
}
const nodes = (connection: unknown) => ((connection as { edges?: { node: Item }[] } | null)?.edges ?? []).map((e) => e.node);
const TENANTS = (selection: string) => `{ tenants(page: { first: 3 }) { ${selection} } }`;
const REACH: Record<string, Reach[]> = {
  Tenant: [
    {
      root: 'Query.currentTenant',
      via: [],
      query: (s) => `{ currentTenant { ${s} } }`,
      parents: (d) => [d.currentTenant as Item].filter(Boolean),
      owns: () => false,
    },
    {
      root: 'Query.tenants',
      via: ['TenantConnection.edges', 'TenantEdge.node'],
      query: (s) => TENANTS(`edges { node { ${s} } }`),
      parents: (d) => nodes(d.tenants),
      owns: () => false,
    },
  ],
  User: [
    {
      root: 'Query.me',
      via: [],
      query: (s) => `{ me { ${s} } }`,
      parents: (d) => [d.me as Item].filter(Boolean),
      owns: (u, id) => u.id === id,
    },
    {
      root: 'Query.members',
      via: ['Membership.user'],
      query: (s) => `{ members(first: 50) { user { ${s} } } }`,
      parents: (d) => ((d.members as { user: Item | null }[] | null) ?? []).map((m) => m.user!).filter(Boolean),
      owns: (u, id) => u.id === id,
    },
  ],
  Session: [
    {
      root: 'Query.sessions',
      via: [],
      query: (s) => `{ sessions { ${s} } }`,
      parents: (d) => (d.sessions as Item[] | null) ?? [],
      owns: () => true,
    },
  ],
  MfaEnrollment: [
    {
      root: 'Mutation.enrollMfa',
      via: [],
      query: (s) => `mutation { enrollMfa { ${s} } }`,
      parents: (d) => [d.enrollMfa as Item].filter(Boolean),
      owns: () => true,
    },
  ],
  TenantConnection: [
    { root: 'Query.tenants', via: [], query: TENANTS, parents: (d) => [d.tenants as Item].filter(Boolean), owns: () => false },
  ],
  TenantEdge: [
    {
      root: 'Query.tenants',
      via: ['TenantConnection.edges'],
      query: (s) => TENANTS(`edges { ${s} }`),
      parents: (d) => (d.tenants as { edges?: Item[] } | null)?.edges ?? [],
      owns: () => false,
    },
  ],
  TenantPageInfo: [
    {
      root: 'Query.tenants',
      via: ['TenantConnection.pageInfo'],
      query: (s) => TENANTS(`pageInfo { ${s} }`),
      parents: (d) => [(d.tenants as Item | null)?.pageInfo as Item].filter(Boolean),
      owns: () => false,
    },
  ],
  TenantStatusCount: [
    {
      root: 'Query.tenants',
      via: ['TenantConnection.countsByStatus'],
      query: (s) => TENANTS(`countsByStatus { ${s} }`),
      parents: (d) => ((d.tenants as Item | null)?.countsByStatus as Item[] | undefined) ?? [],
      owns: () => false,
    },
  ],
};

const PASSWORD = 'plum-kettle-orbit-42';

async function signedUp(stack: Stack, db: TestDatabase, tenantId: string) {
  const email = `member-${randomUUID().slice(0, 8)}@example.test`;
  await graphql(stack.gatewayUrl, 'mutation ($input: SignUpInput!) { signUp(input: $input) { accepted } }', {
    variables: { input: { email, password: PASSWORD, displayName: 'Signed-in member' } },
  });
  return createMember(db.dataSource, tenantId, 'member', email);
}

async function signIn(stack: Stack, email: string, tenantId: string): Promise<string> {
  const res = await graphql<{ signIn: { accessToken: string } }>(
    stack.gatewayUrl,
    'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }',
    { variables: { input: { email, password: PASSWORD, tenantId } } },
  );
  if (!res.body.data?.signIn) throw new Error(`sign-in failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.signIn.accessToken;
}

interface Caller {
  label: string;
  headers: Record<string, string>;
  subject: Subject;
}

describe('the permission matrix, proven against the running supergraph', () => {
  const fixture = useStack();
  const callers: Caller[] = [];

  beforeAll(async () => {
    const tenant = await createTenant(fixture.db.dataSource, { plan: 'enterprise' });
    const free = await createTenant(fixture.db.dataSource, { plan: 'free' });
    const member = (principal: Principal, hasTenant: boolean, plan = 'enterprise'): Subject => ({
      principal,
      hasTenant,
      features: features(plan),
    });

    callers.push({ label: 'anonymous', headers: {}, subject: member({ kind: 'anonymous' }, false) });
    for (const role of ['viewer', 'member', 'manager', 'admin', 'owner'] as const) {
      // The member signs in for real, so that there is a session of theirs to read (Session is `self`).
      const user =
        role === 'member'
          ? await signedUp(fixture.stack, fixture.db, tenant.id)
          : await createMember(fixture.db.dataSource, tenant.id, role);
      const token =
        role === 'member'
          ? await signIn(fixture.stack, user.email, tenant.id)
          : await fixture.stack.token({ userId: user.id, tenantId: tenant.id, role, plan: 'enterprise' });
      callers.push({
        label: role,
        headers: { authorization: `Bearer ${token}` },
        subject: member({ kind: 'user', userId: user.id, role }, true),
      });
    }
    const freeOwner = await createMember(fixture.db.dataSource, free.id, 'owner');
    callers.push({
      label: 'owner on the free plan',
      headers: {
        authorization: `Bearer ${await fixture.stack.token({ userId: freeOwner.id, tenantId: free.id, role: 'owner', plan: 'free' })}`,
      },
      subject: member({ kind: 'user', userId: freeOwner.id, role: 'owner' }, true, 'free'),
    });
    for (const platformRole of ['support', 'platform_admin'] as const) {
      const staff = await createStaff(fixture.db.dataSource, platformRole);
      callers.push({
        label: `staff ${platformRole}`,
        headers: { authorization: `Bearer ${await fixture.stack.token({ userId: staff.id, platformRole })}` },
        subject: member({ kind: 'user', userId: staff.id, platformRole }, false),
      });
    }
    const admin = callers.find((c) => c.label === 'admin')!;
    const created = await graphql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      fixture.stack.gatewayUrl,
      'mutation ($scopes: [String!]!) { createApiKey(input: { name: "matrix", scopes: $scopes }) { key apiKey { id } } }',
      { headers: admin.headers, variables: { scopes: [...API_KEY_SCOPES] } },
    );
    callers.push({
      label: 'API key with every scope',
      headers: { authorization: `ApiKey ${created.body.data!.createApiKey.key}` },
      subject: member({ kind: 'api_key', keyId: created.body.data!.createApiKey.apiKey.id, scopes: [...API_KEY_SCOPES] }, true),
    });
  });

  const rootFields = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, type: 'Query', field })),
    ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({ kind: 'mutation' as const, type: 'Mutation', field })),
  ];

  it('has an entry for every operation of the supergraph, and none for operations that are gone', () => {
    const operations = rootFields.map((r) => `${r.type}.${r.field.name}`).sort();
    expect(operations.filter((op) => !matrix.operations[op])).toEqual([]);
    expect(Object.keys(matrix.operations).filter((op) => !operations.includes(op))).toEqual([]);
  });

  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType =>
      isObjectType(t) && !t.name.startsWith('__') && t !== schema.getQueryType() && t !== schema.getMutationType(),
  );

  it('has an entry for every returned type, one for every field of a type with field rules, and none that are gone', () => {
    const types = matrix.types ?? {};
    const missing = objectTypes.flatMap((t) => {
      const permission = types[t.name];
      if (!permission) return [t.name];
      return 'fields' in permission
        ? Object.keys(t.getFields())
            .filter((f) => !permission.fields[f])
            .map((f) => `${t.name}.${f}`)
        : [];
    });
    const gone = Object.entries(types).flatMap(([name, permission]) => {
      const type = objectTypes.find((t) => t.name === name);
      if (!type) return [name];
      return 'fields' in permission
        ? Object.keys(permission.fields)
            .filter((f) => !type.getFields()[f])
            .map((f) => `${name}.${f}`)
        : [];
    });
    expect({ missing, gone }).toEqual({ missing: [], gone: [] });
  });

  /** Types with at least one field not open to whoever reaches the object. */
  const restricted = objectTypes.filter((t) =>
    Object.keys(t.getFields()).some(
      (f) => fieldEntry(matrix, t.name, f)?.allow.some((g) => g !== 'anyone') || fieldEntry(matrix, t.name, f)?.feature,
    ),
  );

  it('knows how to reach every type whose fields carry rules of their own', () => {
    expect(restricted.map((t) => t.name).filter((name) => !REACH[name])).toEqual([]);
  });

  it('shows each restricted field to exactly the callers its entry names (self: per object)', async () => {
    const mismatches: string[] = [];
    const reached = new Set<string>();
    for (const type of restricted) {
      for (const field of Object.values(type.getFields())) {
        const entry = fieldEntry(matrix, type.name, field.name)!;
        const named = getNamedType(field.type);
        const selection = `${type.getFields().id && field.name !== 'id' ? 'id ' : ''}${field.name}${isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : ''}`;
        for (const reach of REACH[type.name] ?? []) {
          for (const caller of callers) {
            const path = [matrix.operations[reach.root]!, ...reach.via.map((v) => fieldEntry(matrix, v.split('.')[0]!, v.split('.')[1]!)!)];
            if (!path.every((e) => allows(e, caller.subject))) continue;
            const res = await graphql<Record<string, unknown>>(fixture.stack.gatewayUrl, reach.query(selection), {
              headers: caller.headers,
            });
            const denied = new Set<unknown>();
            for (const error of res.body.errors ?? []) {
              if (typeof error.extensions?.requirement !== 'string' || error.path?.[error.path.length - 1] !== field.name) continue;
              denied.add(
                error.path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], res.body.data),
              );
            }
            const userId = caller.subject.principal.kind === 'user' ? caller.subject.principal.userId : undefined;
            for (const parent of reach.parents(res.body.data ?? {})) {
              reached.add(`${type.name}.${field.name}`);
              const expected = allows(entry, { ...caller.subject, owns: reach.owns(parent, userId) });
              if (expected === denied.has(parent)) {
                mismatches.push(
                  `${type.name}.${field.name} via ${reach.root} as ${caller.label}: expected ${expected ? 'shown' : 'denied'}`,
                );
              }
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    const fields = restricted.flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`));
    expect(fields.filter((f) => !reached.has(f))).toEqual([]);
  });

  it('lets through exactly the callers the matrix names, for every operation', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const { kind, type, field } of rootFields) {
      const entry = matrix.operations[`${type}.${field.name}`]!;
      const { query, variables } = operationFor(kind, field);
      for (const caller of callers) {
        const res = await graphql(fixture.stack.gatewayUrl, query, { headers: caller.headers, variables });
        const denial = (res.body.errors ?? []).find((e) => e.path?.[0] === field.name && typeof e.extensions?.requirement === 'string');
        const expected = allows(entry, caller.subject);
        if (expected === Boolean(denial)) {
          mismatches.push(
            `${type}.${field.name} as ${caller.label}: expected ${expected ? 'allowed' : 'denied'}, got ${denial ? `denied (${String(denial.extensions?.requirement)})` : `through (${res.status}, ${(res.body.errors ?? []).map((e) => e.extensions?.code).join(',') || 'data'})`}`,
          );
        }
        checked++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(rootFields.length * callers.length);
  });
});
