import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { API_KEY_SCOPES } from '@tenantry/auth';
import { quoteIdent, tenantSchemaName } from '@tenantry/tenancy';
import {
  createMember,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type GraphQLResponse,
  type Stack,
  type SubgraphName,
  type TestDatabase,
  type TestTenant,
  placeholderValue,
} from '@tenantry/testing';

/**
 * The cross-tenant IDOR sweep (issue 10): every operation of the supergraph that takes an
 * identifier, and every resolvable entity of every subgraph, is called by tenant A's owner (the
 * strongest tenant role) with identifiers of real objects of tenant B. Each answer must be
 * exactly what the same call with an identifier that exists nowhere gets, must carry nothing of
 * B, and B's rows must be byte-for-byte unchanged afterwards.
 *
 * Which arguments are identifiers is read from the composed schema (ID scalars, `…Id…` names and
 * the natural keys below, inside input objects too), so a new id-taking operation without an
 * entry in PROBES fails the coverage test instead of going unchecked.
 */

/** Arguments that name an object by a natural key rather than an ID. */
const NATURAL_KEYS = new Set(['slug', 'domain', 'key']);
const ID_NAME = /(^ids?$)|(Ids?)([A-Z]|$)/;

/**
 * Arguments shaped like identifiers that name nothing a tenant owns, and why. Each is still a
 * decision someone made on purpose: a new entry needs its reason here.
 */
const NOT_TENANT_IDENTIFIERS: Record<string, string> = {
  'Mutation.publishPersistedQueries(input.manifest.operations.id)':
    "a persisted operation's id is the SHA-256 of its body (checked on publish): a content address in the platform-wide client registry, which only platform staff can write",
};

const supergraph: GraphQLSchema = Supergraph.build(readFileSync(path.resolve(__dirname, '../schema/supergraph.graphql'), 'utf8'))
  .apiSchema()
  .toGraphQLJSSchema();

/** What the sweep seeded: tenant A (the caller's) and tenant B (the target) with one of each kind of object. */
interface Seed {
  a: TestTenant;
  b: TestTenant;
  ownerOfA: { id: string; email: string; accessToken: string; refreshToken: string; sessionId: string };
  ownerOfB: { id: string; email: string; accessToken: string; sessionId: string };
  memberOfB: { id: string; email: string; sessionId: string };
  invitationOfB: { id: string; email: string };
  apiKeyOfB: { id: string; prefix: string };
  domainOfB: string;
  settingOfB: { key: string; value: string };
  auditEventOfB: { id: string; resourceId: string };
}

interface Probe {
  /** An identifier of a real object of tenant B. */
  foreign: (seed: Seed) => unknown;
  /** The same kind of identifier, naming nothing anywhere. */
  missing: () => unknown;
}

const missingId = () => randomUUID();

/** One entry per identifier argument (`Type.field(arg.path)`) of the supergraph. */
const PROBES: Record<string, Probe> = {
  'Query.tenant(id)': { foreign: (s) => s.b.id, missing: missingId },
  'Query.tenant(slug)': { foreign: (s) => s.b.slug, missing: () => `t-missing-${randomUUID().slice(0, 8)}` },
  'Query.tenants(filter.parentId)': { foreign: (s) => s.b.id, missing: missingId },
  'Query.auditEvents(filter.actorId)': { foreign: (s) => s.ownerOfB.id, missing: missingId },
  'Query.auditEvents(filter.resourceId)': { foreign: (s) => s.auditEventOfB.resourceId, missing: missingId },
  'Query.auditEvents(filter.resourceIdContains)': {
    foreign: (s) => s.auditEventOfB.resourceId.slice(0, 13),
    missing: () => randomUUID().slice(0, 13),
  },
  'Query.platformAuditEvents(filter.actorId)': { foreign: (s) => s.ownerOfB.id, missing: missingId },
  'Query.platformAuditEvents(filter.resourceId)': { foreign: (s) => s.b.id, missing: missingId },
  'Query.platformAuditEvents(filter.resourceIdContains)': { foreign: (s) => s.b.id.slice(0, 13), missing: () => randomUUID().slice(0, 13) },
  'Mutation.signIn(input.tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.switchTenant(input.tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.revokeApiKey(id)': { foreign: (s) => s.apiKeyOfB.id, missing: missingId },
  'Mutation.resendInvitation(id)': { foreign: (s) => s.invitationOfB.id, missing: missingId },
  'Mutation.revokeInvitation(id)': { foreign: (s) => s.invitationOfB.id, missing: missingId },
  'Mutation.removeMember(userId)': { foreign: (s) => s.memberOfB.id, missing: missingId },
  'Mutation.suspendMember(userId)': { foreign: (s) => s.memberOfB.id, missing: missingId },
  'Mutation.reactivateMember(userId)': { foreign: (s) => s.memberOfB.id, missing: missingId },
  'Mutation.transferOwnership(userId)': { foreign: (s) => s.memberOfB.id, missing: missingId },
  'Mutation.changeMemberRole(input.userId)': { foreign: (s) => s.memberOfB.id, missing: missingId },
  'Mutation.revokeSession(id)': { foreign: (s) => s.memberOfB.sessionId, missing: missingId },
  'Mutation.verifyTenantDomain(domain)': { foreign: (s) => s.domainOfB, missing: () => `missing-${randomUUID().slice(0, 8)}.example.test` },
  'Mutation.removeTenantDomain(domain)': { foreign: (s) => s.domainOfB, missing: () => `missing-${randomUUID().slice(0, 8)}.example.test` },
  // A domain is claimed once across the platform, so adding B's answers CONFLICT where a fresh
  // one succeeds: that a hostname is taken is public (DNS points at us), not B's data. The
  // sweep still checks that nothing of B changes and nothing of B comes back.
  'Mutation.addTenantDomain(domain)': { foreign: (s) => s.domainOfB, missing: () => `missing-${randomUUID().slice(0, 8)}.example.test` },
  // Setting keys are a fixed catalogue, the same in every tenant, so the key B set names A's own
  // setting when A sends it; "missing" is the same key in A, which A never set.
  'Mutation.clearTenantSetting(key)': { foreign: (s) => s.settingOfB.key, missing: () => 'notifications.webhook_url' },
  'Mutation.setTenantSetting(input.key)': { foreign: (s) => s.settingOfB.key, missing: () => 'notifications.webhook_url' },
  'Mutation.signUp(input.organisation.slug)': { foreign: (s) => s.b.slug, missing: () => `t-missing-${randomUUID().slice(0, 8)}` },
  'Mutation.changeTenantPlan(input.tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.setTenantQuotaOverride(input.tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.setTenantFeatureOverride(input.tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.createTenant(input.parentId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.createTenant(input.slug)': { foreign: (s) => s.b.slug, missing: () => `t-missing-${randomUUID().slice(0, 8)}` },
  'Mutation.purgeTenant(tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.changeTenantParent(tenantId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.changeTenantParent(parentId)': { foreign: (s) => s.b.id, missing: missingId },
  'Mutation.changeTenantStatus(input.tenantId)': { foreign: (s) => s.b.id, missing: missingId },
};

/**
 * Operations whose answer for B's identifier may differ from a missing one's, and why. Only
 * the answer may differ: B's rows and B's data in the answer are checked all the same.
 */
const DIFFERENT_BY_DESIGN: Record<string, string> = {
  'Mutation.addTenantDomain(domain)': 'hostnames are unique across the platform (CONFLICT); which are taken is public DNS',
  'Mutation.signUp(input.organisation.slug)': 'slugs are unique across the platform (CONFLICT) and public: they are host names',
};

/** Values for the other arguments, so that a call gets as far as looking the identifier up. */
const OPERATION_ARGS: Record<string, (seed: Seed) => Record<string, unknown>> = {
  'Mutation.signIn': (s) => ({ input: { email: s.ownerOfA.email, password: PASSWORD } }),
  'Mutation.switchTenant': (s) => ({ input: { refreshToken: s.ownerOfA.refreshToken } }),
  'Mutation.changeMemberRole': () => ({ input: { role: 'MEMBER' } }),
  'Mutation.setTenantSetting': () => ({ input: { value: '"https://a.example.test/hook"' } }),
  'Mutation.signUp': () => ({
    input: {
      email: `probe-${randomUUID().slice(0, 8)}@example.test`,
      password: PASSWORD,
      displayName: 'Probe',
      organisation: { name: 'Probe' },
    },
  }),
  'Mutation.changeTenantPlan': () => ({ input: { plan: 'enterprise' } }),
  'Mutation.setTenantQuotaOverride': () => ({ input: { resource: 'projects', limit: 5 } }),
  'Mutation.setTenantFeatureOverride': () => ({ input: { feature: 'audit_logs', enabled: false } }),
  'Mutation.createTenant': () => ({ input: { slug: `t-probe-${randomUUID().slice(0, 8)}`, name: 'Probe' } }),
  'Mutation.changeTenantStatus': () => ({ input: { status: 'SUSPENDED' } }),
  'Query.auditEvents': () => ({ first: 50 }),
  'Query.platformAuditEvents': () => ({ first: 50 }),
  'Query.tenants': () => ({ page: { first: 50 } }),
};

/** Entities of each subgraph (`subgraph:Type`): a representation of B's object and of A's own (the control). */
const ENTITY_PROBES: Record<string, { foreign: (seed: Seed) => string; own: (seed: Seed) => string }> = {
  'tenant:Tenant': { foreign: (s) => s.b.id, own: (s) => s.a.id },
  'usage:Tenant': { foreign: (s) => s.b.id, own: (s) => s.a.id },
  'identity:User': { foreign: (s) => s.memberOfB.id, own: (s) => s.ownerOfA.id },
};

const PASSWORD = 'plum-kettle-orbit-42';

interface IdArgument {
  operation: string;
  rootType: 'Query' | 'Mutation';
  field: GraphQLField<unknown, unknown>;
  /** Argument name, then input-object field names. */
  path: string[];
}

const isIdentifier = (name: string, type: GraphQLInputType) =>
  getNamedType(type).name === 'ID' || ID_NAME.test(name) || NATURAL_KEYS.has(name);

/** Every identifier argument of the supergraph's root fields, input objects included. */
function identifierArguments(schema: GraphQLSchema): IdArgument[] {
  const found: IdArgument[] = [];
  for (const rootType of ['Query', 'Mutation'] as const) {
    const root = rootType === 'Query' ? schema.getQueryType() : schema.getMutationType();
    for (const field of Object.values(root?.getFields() ?? {})) {
      const visit = (name: string, type: GraphQLInputType, prefix: string[], depth: number) => {
        const named = getNamedType(type);
        const candidate = { operation: `${rootType}.${field.name}`, rootType, field, path: [...prefix, name] };
        if (isIdentifier(name, type)) {
          if (!NOT_TENANT_IDENTIFIERS[probeKey(candidate)]) found.push(candidate);
        } else if (isInputObjectType(named) && depth < 4) {
          for (const inner of Object.values(named.getFields())) visit(inner.name, inner.type, [...prefix, name], depth + 1);
        }
      };
      for (const arg of field.args) visit(arg.name, arg.type, [], 0);
    }
  }
  return found;
}

const probeKey = (arg: IdArgument) => `${arg.operation}(${arg.path.join('.')})`;

/** Every field reachable without arguments, a few levels deep: whatever leaks, the sweep sees. */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (!isObjectType(type) || depth === 0) return '{ __typename }';
  const fields = Object.values(type.getFields())
    .filter((f) => f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined))
    .map((f) => {
      const named = getNamedType(f.type);
      if (isLeafType(named)) return f.name;
      if (isInterfaceType(named) || isUnionType(named)) return `${f.name} { __typename }`;
      return `${f.name} ${selectionOf(named, depth - 1)}`;
    });
  // No __typename here: the gateway counts it against its alias limit.
  return `{ ${fields.join(' ') || '__typename'} }`;
}

function setAt(target: Record<string, unknown>, pathParts: string[], value: unknown) {
  let node = target;
  for (const part of pathParts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[pathParts[pathParts.length - 1]!] = value;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>) {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && target[key] && typeof target[key] === 'object') {
      mergeInto(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = value;
  }
}

/** The operation calling `arg.field` with `value` at `arg.path`, every required argument filled in. */
function operationFor(arg: IdArgument, value: unknown, seed: Seed) {
  const values: Record<string, unknown> = {};
  for (const a of arg.field.args) if (isNonNullType(a.type) && a.defaultValue === undefined) values[a.name] = placeholderValue(a.type);
  mergeInto(values, OPERATION_ARGS[arg.operation]?.(seed) ?? {});
  setAt(values, arg.path, value);
  const args = arg.field.args.filter((a) => a.name in values);
  const declarations = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const keyword = arg.rootType === 'Query' ? 'query' : 'mutation';
  return {
    query: `${keyword}${declarations ? ` (${declarations})` : ''} { ${arg.field.name}${call ? `(${call})` : ''} ${selectionOf(getNamedType(arg.field.type), 3)} }`,
    variables: values,
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;

/** The answer with the probed value, fresh ids and clock readings masked, and only codes kept from extensions. */
function shapeOf(res: GraphQLResponse<unknown>, probed: unknown) {
  const body = {
    status: res.status,
    data: res.body.data ?? null,
    errors: (res.body.errors ?? []).map((e) => ({
      message: e.message,
      path: e.path ?? null,
      code: e.extensions?.code ?? null,
      requirement: e.extensions?.requirement ?? null,
    })),
  };
  return JSON.parse(
    JSON.stringify(body).split(String(probed)).join('<probed>').replace(UUID, '<uuid>').replace(TIMESTAMP, '<time>'),
  ) as unknown;
}

/** Strings that would only appear in an answer that leaked something of tenant B. */
function markersOfB(seed: Seed): string[] {
  return [
    seed.b.id,
    seed.b.slug,
    seed.ownerOfB.id,
    seed.ownerOfB.email.toLowerCase(),
    seed.ownerOfB.sessionId,
    seed.memberOfB.id,
    seed.memberOfB.email.toLowerCase(),
    seed.memberOfB.sessionId,
    seed.invitationOfB.id,
    seed.invitationOfB.email.toLowerCase(),
    seed.apiKeyOfB.id,
    seed.apiKeyOfB.prefix,
    seed.domainOfB,
    seed.settingOfB.value,
    seed.auditEventOfB.id,
  ];
}

/** Every row of B's schema and every shared row that belongs to B or its people, as text. */
async function rowsOfB(db: TestDatabase, seed: Seed): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  const people = [seed.ownerOfB.id, seed.memberOfB.id];
  const schema = tenantSchemaName(seed.b.id);
  const tables = (await db.dataSource.query(
    `SELECT table_schema AS "schema", table_name AS "table",
            bool_or(column_name = 'tenant_id') AS "byTenant", bool_or(column_name = 'user_id') AS "byUser",
            bool_or(column_name = 'session_id') AS "bySession"
       FROM information_schema.columns
      WHERE table_schema IN ($1, 'platform')
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [schema],
  )) as { schema: string; table: string; byTenant: boolean; byUser: boolean; bySession: boolean }[];
  for (const t of tables) {
    const name = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
    let where: string | undefined;
    let params: unknown[] = [];
    if (t.schema === schema) where = 'true';
    else if (t.table === 'tenants') [where, params] = ['id = $1', [seed.b.id]];
    else if (t.table === 'users') [where, params] = ['id = ANY($1)', [people]];
    else if (t.byTenant) [where, params] = ['tenant_id = $1', [seed.b.id]];
    else if (t.byUser) [where, params] = ['user_id = ANY($1)', [people]];
    else if (t.bySession)
      [where, params] = ['session_id IN (SELECT id FROM platform.sessions WHERE tenant_id = $1 OR user_id = ANY($2))', [seed.b.id, people]];
    if (!where) continue;
    const rows = (await db.dataSource.query(`SELECT row_to_json(r)::text AS row FROM ${name} r WHERE ${where}`, params)) as {
      row: string;
    }[];
    snapshot[`${t.schema === schema ? 'tenant_b' : t.schema}.${t.table}`] = rows.map((r) => r.row).sort();
  }
  return snapshot;
}

describe('cross-tenant IDOR sweep through the gateway', () => {
  let db: TestDatabase;
  let stack: Stack;
  let seed: Seed;
  let before: Record<string, string[]>;

  /** Tenant A's strongest callers: its owner, and its API key holding every scope. */
  let callersOfA: { label: string; headers: Record<string, string> }[];

  async function person(tenant: TestTenant, role: 'owner' | 'member', prefix: string) {
    const email = `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
    const signedUp = await graphql(stack.gatewayUrl, 'mutation ($input: SignUpInput!) { signUp(input: $input) { accepted } }', {
      variables: { input: { email, password: PASSWORD, displayName: prefix } },
    });
    expect(errorCodes(signedUp)).toEqual([]);
    const user = await createMember(db.dataSource, tenant.id, role, email);
    const signedIn = await graphql<{ signIn: { accessToken: string; refreshToken: string; sessionId: string } }>(
      stack.gatewayUrl,
      'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken sessionId } }',
      { variables: { input: { email, password: PASSWORD, tenantId: tenant.id } } },
    );
    expect(errorCodes(signedIn)).toEqual([]);
    return { id: user.id, email, ...signedIn.body.data!.signIn };
  }

  async function asOwnerOfB<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await graphql<T>(stack.gatewayUrl, query, { token: seed.ownerOfB.accessToken, variables });
    expect(errorCodes(res)).toEqual([]);
    return res.body.data!;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
    const a = await createTenant(db.dataSource, { plan: 'enterprise' });
    const b = await createTenant(db.dataSource, { plan: 'enterprise' });
    seed = { a, b, ownerOfA: await person(a, 'owner', 'owner-a'), ownerOfB: await person(b, 'owner', 'owner-b') } as Partial<Seed> as Seed; // filled in below
    seed.memberOfB = await person(b, 'member', 'member-b');
    const keyOfA = await graphql<{ createApiKey: { key: string } }>(
      stack.gatewayUrl,
      'mutation ($scopes: [String!]!) { createApiKey(input: { name: "a-everything", scopes: $scopes }) { key } }',
      { token: seed.ownerOfA.accessToken, variables: { scopes: [...API_KEY_SCOPES] } },
    );
    expect(errorCodes(keyOfA)).toEqual([]);
    callersOfA = [
      { label: 'owner of A', headers: { authorization: `Bearer ${seed.ownerOfA.accessToken}` } },
      { label: 'API key of A with every scope', headers: { authorization: `ApiKey ${keyOfA.body.data!.createApiKey.key}` } },
    ];

    const invitationEmail = `invitee-b-${randomUUID().slice(0, 8)}@example.test`;
    const invited = await asOwnerOfB<{ inviteMember: { id: string } }>(
      'mutation ($email: String!) { inviteMember(input: { email: $email, role: MEMBER }) { id } }',
      { email: invitationEmail },
    );
    seed.invitationOfB = { id: invited.inviteMember.id, email: invitationEmail };
    const key = await asOwnerOfB<{ createApiKey: { apiKey: { id: string; prefix: string } } }>(
      'mutation { createApiKey(input: { name: "b-partner", scopes: ["usage:read"] }) { apiKey { id prefix } } }',
    );
    seed.apiKeyOfB = key.createApiKey.apiKey;
    seed.domainOfB = `b-${randomUUID().slice(0, 8)}.example.test`;
    await asOwnerOfB('mutation ($domain: String!) { addTenantDomain(domain: $domain) { domain } }', { domain: seed.domainOfB });
    seed.settingOfB = { key: 'notifications.webhook_url', value: `"https://b-${randomUUID().slice(0, 8)}.example.test/hook"` };
    await asOwnerOfB('mutation ($key: String!, $value: String!) { setTenantSetting(input: { key: $key, value: $value }) { key } }', {
      key: seed.settingOfB.key,
      value: seed.settingOfB.value,
    });
    seed.settingOfB.value = JSON.parse(seed.settingOfB.value) as string;
    await asOwnerOfB('mutation { recordUsage(input: { resource: "api_calls", amount: 7 }) { used } }');
    // Crosses the alert thresholds of a limited resource: a usage event and usage alerts in B.
    await asOwnerOfB('mutation { consumeQuota(input: { resource: "storage_mb", amount: 950000, description: "b-upload" }) { used } }');
    await asOwnerOfB('mutation { updateTenantBranding(input: { primaryColor: "#123456" }) { primaryColor } }');
    await asOwnerOfB('mutation { createAuditCheckpoint { sequence } }');
    const events = await asOwnerOfB<{ auditEvents: { edges: { node: { id: string; resourceId: string; action: string } }[] } }>(
      '{ auditEvents(first: 100) { edges { node { id resourceId action } } } }',
    );
    const invitationEvent = events.auditEvents.edges.map((e) => e.node).find((n) => n.resourceId === seed.invitationOfB.id);
    expect(invitationEvent).toBeDefined();
    seed.auditEventOfB = { id: invitationEvent!.id, resourceId: invitationEvent!.resourceId };

    before = await rowsOfB(db, seed);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    // One real object of every kind, so that "unchanged" below is about something.
    const seededTables = [
      'tenant_b.invitations',
      'tenant_b.settings',
      'tenant_b.usage_counters',
      'tenant_b.usage_events',
      'tenant_b.usage_alerts',
      'tenant_b.audit_events',
      'tenant_b.audit_checkpoints',
      'platform.api_keys',
      'platform.sessions',
      'platform.refresh_tokens',
      'platform.tenant_domains',
      'platform.tenant_branding',
      'platform.memberships',
    ];
    expect(seededTables.filter((table) => !before[table]?.length)).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  const idArguments = identifierArguments(supergraph);

  it('finds no identifier argument below the root fields (the sweep calls root fields only; extend it first)', () => {
    const nested = Object.values(supergraph.getTypeMap())
      .filter((t) => isObjectType(t) && !t.name.startsWith('__') && t !== supergraph.getQueryType() && t !== supergraph.getMutationType())
      .flatMap((t) =>
        Object.values((t as GraphQLObjectType).getFields()).flatMap((f) =>
          f.args.filter((a) => isIdentifier(a.name, a.type)).map((a) => `${t.name}.${f.name}(${a.name})`),
        ),
      );
    expect(nested).toEqual([]);
  });

  it('has a probe for every identifier argument of the supergraph, and none for arguments that are gone', () => {
    const keys = idArguments.map(probeKey).sort();
    expect(keys.filter((k) => !PROBES[k])).toEqual([]);
    expect(Object.keys(PROBES).filter((k) => !keys.includes(k))).toEqual([]);
    expect(Object.keys(DIFFERENT_BY_DESIGN).filter((k) => !PROBES[k])).toEqual([]);
  });

  it("answers every operation given B's identifiers exactly as for identifiers that exist nowhere, and changes nothing of B", async () => {
    const findings: string[] = [];
    const markers = markersOfB(seed);
    let calls = 0;
    for (const caller of callersOfA)
      for (const arg of idArguments) {
        const key = `${probeKey(arg)} as ${caller.label}`;
        const probe = PROBES[probeKey(arg)];
        if (!probe) continue;
        const foreignValue = probe.foreign(seed);
        const missingValue = probe.missing();
        const foreign = operationFor(arg, foreignValue, seed);
        const missing = operationFor(arg, missingValue, seed);
        const foreignRes = await graphql(stack.gatewayUrl, foreign.query, { headers: caller.headers, variables: foreign.variables });
        const missingRes = await graphql(stack.gatewayUrl, missing.query, { headers: caller.headers, variables: missing.variables });
        calls += 2;

        const answer = JSON.stringify(shapeOf(foreignRes, foreignValue));
        const leaked = markers.filter((m) => m !== String(foreignValue) && answer.includes(m));
        if (leaked.length) findings.push(`${key}: the answer carries B's ${leaked.join(', ')}`);
        const codes = errorCodes(foreignRes);
        if (['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR', 'OPERATION_NOT_ALLOWED'].some((c) => codes.includes(c))) {
          findings.push(`${key}: never got as far as the lookup (${codes.join(',')}): fix OPERATION_ARGS`);
        }
        if (!DIFFERENT_BY_DESIGN[probeKey(arg)]) {
          const a = shapeOf(foreignRes, foreignValue);
          const b = shapeOf(missingRes, missingValue);
          if (JSON.stringify(a) !== JSON.stringify(b))
            findings.push(`${key}: B's id answers ${JSON.stringify(a)}, a missing id ${JSON.stringify(b)}`);
        }
      }
    expect(findings).toEqual([]);
    expect(calls).toBe(2 * callersOfA.length * Object.keys(PROBES).length);
    expect(await rowsOfB(db, seed)).toEqual(before);
  }, 120_000);

  describe('entities, sent to each subgraph with a gateway-signed context of A', () => {
    const subgraphs: SubgraphName[] = ['tenant', 'identity', 'usage', 'audit'];
    const entityTypes = subgraphs.flatMap((subgraph) => {
      const typeDefs = parse(readFileSync(path.resolve(__dirname, `../schema/${subgraph}.graphql`), 'utf8'));
      const schema = buildSubgraphSchema({ typeDefs });
      return typeDefs.definitions.flatMap((d) => {
        if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) return [];
        const keys = (d.directives ?? []).filter((dir) => dir.name.value === 'key');
        const resolvable = keys.some(
          (k) => !(k.arguments ?? []).some((a) => a.name.value === 'resolvable' && a.value.kind === Kind.BOOLEAN && !a.value.value),
        );
        return resolvable ? [{ subgraph, type: d.name.value, schema }] : [];
      });
    });

    it('has a probe for every resolvable entity of every subgraph', () => {
      const found = entityTypes.map((e) => `${e.subgraph}:${e.type}`).sort();
      expect(found).toEqual(Object.keys(ENTITY_PROBES).sort());
    });

    it("resolves every representation of B's objects to null, exactly like one naming nothing, and A's own to itself", async () => {
      const findings: string[] = [];
      const context = await stack.contextToken({
        requestId: `idor-${randomUUID()}`,
        tenantId: seed.a.id,
        principal: { kind: 'user', userId: seed.ownerOfA.id, role: 'owner' },
      });
      for (const { subgraph, type, schema } of entityTypes) {
        const probe = ENTITY_PROBES[`${subgraph}:${type}`];
        if (!probe) continue;
        const selection = selectionOf(schema.getType(type)!, 2);
        const res = await graphql<{ _entities: unknown[] }>(
          stack.subgraphUrls[subgraph],
          `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${type} ${selection} } }`,
          {
            headers: { 'x-tenantry-context': context },
            variables: {
              representations: [probe.foreign(seed), randomUUID(), probe.own(seed)].map((id) => ({ __typename: type, id })),
            },
          },
        );
        const [foreign, missing, own] = res.body.data?._entities ?? [];
        const errorsAt = (index: number) =>
          (res.body.errors ?? []).filter((e) => e.path?.[1] === index).map((e) => ({ code: e.extensions?.code, path: e.path?.slice(2) }));
        if (foreign !== null || missing !== null) findings.push(`${subgraph}:${type}: B's resolves to ${JSON.stringify(foreign)}`);
        if (JSON.stringify(errorsAt(0)) !== JSON.stringify(errorsAt(1))) {
          findings.push(`${subgraph}:${type}: errors differ: ${JSON.stringify(errorsAt(0))} vs ${JSON.stringify(errorsAt(1))}`);
        }
        if (!own) findings.push(`${subgraph}:${type}: A's own does not resolve (${JSON.stringify(res.body.errors)})`);
        const leaked = markersOfB(seed).filter((m) => JSON.stringify(res.body).includes(m));
        if (leaked.length) findings.push(`${subgraph}:${type}: the answer carries B's ${leaked.join(', ')}`);
      }
      expect(findings).toEqual([]);
      expect(await rowsOfB(db, seed)).toEqual(before);
    });
  });
});
