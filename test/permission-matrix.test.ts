import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { API_KEY_SCOPES, allows, loadPermissionMatrix, type Principal, type Subject } from '@tenantry/auth';
import { loadPlanCatalog } from '@tenantry/plans';
import {
  createMember,
  createStaff,
  createTenant,
  createTestDatabase,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
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

function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return [placeholder(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, placeholder(f.type)]),
    );
  }
  switch (getNamedType(type).name) {
    case 'ID':
      return randomUUID();
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTimeISO':
      return '2026-01-01T00:00:00.000Z';
    case 'JSONObject':
      return {};
    default:
      return 'x';
  }
}

/** `query|mutation ($a0: T!, …) { field(arg: $a0 …) { __typename } }` with placeholder variables. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const declarations = required.map((a, i) => `$a${i}: ${String(a.type)}`).join(', ');
  const args = required.map((a, i) => `${a.name}: $a${i}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
  return {
    query: `${kind}${declarations ? ` (${declarations})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((a, i) => [`a${i}`, placeholder(a.type)])),
  };
}

interface Caller {
  label: string;
  headers: Record<string, string>;
  subject: Subject;
}

describe('the permission matrix, proven against the running supergraph', () => {
  let db: TestDatabase;
  let stack: Stack;
  const callers: Caller[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const free = await createTenant(db.dataSource, { plan: 'free' });
    const member = (principal: Principal, hasTenant: boolean, plan = 'enterprise'): Subject => ({
      principal,
      hasTenant,
      features: features(plan),
    });

    callers.push({ label: 'anonymous', headers: {}, subject: member({ kind: 'anonymous' }, false) });
    for (const role of ['viewer', 'member', 'manager', 'admin', 'owner'] as const) {
      const user = await createMember(db.dataSource, tenant.id, role);
      const token = await stack.token({ userId: user.id, tenantId: tenant.id, role, plan: 'enterprise' });
      callers.push({
        label: role,
        headers: { authorization: `Bearer ${token}` },
        subject: member({ kind: 'user', userId: user.id, role }, true),
      });
    }
    const freeOwner = await createMember(db.dataSource, free.id, 'owner');
    callers.push({
      label: 'owner on the free plan',
      headers: { authorization: `Bearer ${await stack.token({ userId: freeOwner.id, tenantId: free.id, role: 'owner', plan: 'free' })}` },
      subject: member({ kind: 'user', userId: freeOwner.id, role: 'owner' }, true, 'free'),
    });
    for (const platformRole of ['support', 'platform_admin'] as const) {
      const staff = await createStaff(db.dataSource, platformRole);
      callers.push({
        label: `staff ${platformRole}`,
        headers: { authorization: `Bearer ${await stack.token({ userId: staff.id, platformRole })}` },
        subject: member({ kind: 'user', userId: staff.id, platformRole }, false),
      });
    }
    const admin = callers.find((c) => c.label === 'admin')!;
    const created = await graphql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      stack.gatewayUrl,
      'mutation ($scopes: [String!]!) { createApiKey(input: { name: "matrix", scopes: $scopes }) { key apiKey { id } } }',
      { headers: admin.headers, variables: { scopes: [...API_KEY_SCOPES] } },
    );
    callers.push({
      label: 'API key with every scope',
      headers: { authorization: `ApiKey ${created.body.data!.createApiKey.key}` },
      subject: member({ kind: 'api_key', keyId: created.body.data!.createApiKey.apiKey.id, scopes: [...API_KEY_SCOPES] }, true),
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
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

  it('lets through exactly the callers the matrix names, for every operation', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const { kind, type, field } of rootFields) {
      const entry = matrix.operations[`${type}.${field.name}`]!;
      const { query, variables } = operationFor(kind, field);
      for (const caller of callers) {
        const res = await graphql(stack.gatewayUrl, query, { headers: caller.headers, variables });
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
