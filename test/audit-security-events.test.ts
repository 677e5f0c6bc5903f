import { randomUUID } from 'node:crypto';
import { SecurityAuditRecorder } from '@tenantry/audit-writer';
import { tenantSchemaName } from '@tenantry/tenancy';
import { base32Decode, totp } from '../subgraphs/identity/src/mfa/totp';
import {
  createMember,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
} from '@tenantry/testing';

const RENAME = 'mutation Rename($name: String!) { renameTenant(input: { name: $name }) { id name } }';
const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accepted } }';
const SIGN_IN = 'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }';
const PASSWORD = 'quartz-lantern-meadow-73';
const REFRESH = 'mutation ($token: String!) { refreshSession(input: { refreshToken: $token }) { refreshToken } }';
const CREATE_KEY = 'mutation { createApiKey(input: { name: "Partner", scopes: ["members:read"] }) { key apiKey { id } } }';

interface StoredEvent {
  seq: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  resource_type: string;
  resource_id: string;
  changes: Record<string, unknown>;
  request_id: string | null;
  tenant_id?: string | null;
}

describe('security events on the audit trail (denials and failed sign-ins)', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  const schemaOf = (tenantId: string) => `"${tenantSchemaName(tenantId)}"`;
  const tenantEvents = (tenantId: string, where = 'true') =>
    db.dataSource.query(
      `SELECT e.*, e.seq::text AS seq FROM ${schemaOf(tenantId)}.audit_events e WHERE ${where} ORDER BY e.seq`,
    ) as Promise<StoredEvent[]>;
  const platformEvents = (where = 'true', params: unknown[] = []) =>
    db.dataSource.query(`SELECT e.*, e.seq::text AS seq FROM platform.audit_events e WHERE ${where} ORDER BY e.seq`, params) as Promise<
      StoredEvent[]
    >;

  async function metric(action: string, outcome: string): Promise<number> {
    const text = await (await fetch(stack.subgraphUrls.tenant.replace(/\/graphql$/, '/metrics'))).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`tenantry_audit_security_events_total{action="${action}",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('records a refused mutation once, on the tenant trail, with who, what, which requirement failed, request, address and client — and no token', async () => {
    const tenant = await createTenant(db.dataSource);
    const viewer = await createMember(db.dataSource, tenant.id, 'viewer');
    const token = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
    const before = await tenantEvents(tenant.id);

    const res = await graphql(stack.gatewayUrl, RENAME, {
      token,
      variables: { name: 'Taken over' },
      headers: { 'user-agent': 'denial-probe/1.0' },
    });

    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', requirement: 'role:admin' });
    const added = (await tenantEvents(tenant.id)).slice(before.length);
    expect(added).toEqual([
      expect.objectContaining({
        action: 'authz.denied',
        actor_type: 'user',
        actor_id: viewer.id,
        resource_type: 'operation',
        resource_id: 'Mutation.renameTenant',
        request_id: expect.any(String),
        changes: {
          operation: 'Mutation.renameTenant',
          operationName: expect.any(String),
          code: 'FORBIDDEN',
          requirement: 'role:admin',
          ip: expect.stringMatching(/127\.0\.0\.1/),
          userAgent: 'denial-probe/1.0',
        },
      }),
    ]);
    expect(JSON.stringify(added)).not.toContain(token);
    const [name] = (await db.dataSource.query(`SELECT name FROM platform.tenants WHERE id = $1`, [tenant.id])) as { name: string }[];
    expect(name!.name).not.toBe('Taken over');
    const verified = await graphql<{ verifyAuditChain: { ok: boolean } }>(stack.gatewayUrl, '{ verifyAuditChain { ok } }', {
      token: await stack.token({ userId: (await createMember(db.dataSource, tenant.id, 'admin')).id, tenantId: tenant.id, role: 'admin' }),
    });
    // The free plan has no audit_logs: that refusal is a plan limit, not an access attempt, and is not recorded.
    expect(errorCodes(verified)).toEqual(['FEATURE_NOT_IN_PLAN']);
    expect((await tenantEvents(tenant.id)).slice(before.length)).toHaveLength(1);
  });

  it('records a refused sensitive query (the platform trail, for a caller without a tenant) but not a refused ordinary one', async () => {
    const tenant = await createTenant(db.dataSource);
    const member = await createMember(db.dataSource, tenant.id, 'member');
    const noTenant = await stack.token({ userId: member.id });
    const before = await platformEvents(`actor_id = $1`, [member.id]);

    const sensitive = await graphql(stack.gatewayUrl, '{ tenants { totalCount } }', { token: noTenant });
    const ordinary = await graphql(stack.gatewayUrl, '{ settings { key } }', { token: noTenant });

    expect(errorCodes(sensitive)).toEqual(['FORBIDDEN']);
    expect(errorCodes(ordinary)).toEqual(['FORBIDDEN']);
    const added = (await platformEvents(`actor_id = $1`, [member.id])).slice(before.length);
    expect(added.map((e) => [e.action, e.resource_id, e.changes.requirement])).toEqual([['authz.denied', 'Query.tenants', 'staff']]);
  });

  it('bounds a flood: 40 refusals of one operation by one caller in a minute make one event and a coalesced count, and every caller still gets FORBIDDEN', async () => {
    const tenant = await createTenant(db.dataSource);
    const viewer = await createMember(db.dataSource, tenant.id, 'viewer');
    const token = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
    const coalescedBefore = await metric('authz.denied', 'coalesced');

    const answers = await Promise.all(
      Array.from({ length: 40 }, () => graphql(stack.gatewayUrl, RENAME, { token, variables: { name: `x-${randomUUID()}` } })),
    );

    expect(answers.map(errorCodes).flat()).toEqual(Array(40).fill('FORBIDDEN'));
    expect(answers.every((a) => a.body.errors![0]!.extensions!.requirement === 'role:admin')).toBe(true);
    expect(await tenantEvents(tenant.id, `action = 'authz.denied'`)).toHaveLength(1);
    expect((await metric('authz.denied', 'coalesced')) - coalescedBefore).toBe(39);
  });

  it('answers FORBIDDEN with its requirement even when the audit write fails, and counts the failure', async () => {
    const tenant = await createTenant(db.dataSource);
    const viewer = await createMember(db.dataSource, tenant.id, 'viewer');
    const token = await stack.token({ userId: viewer.id, tenantId: tenant.id, role: 'viewer' });
    // The tenant's trail refuses this one kind of event: its writer fails inside its own transaction.
    await db.dataSource.query(`ALTER TABLE ${schemaOf(tenant.id)}.audit_events ADD CONSTRAINT no_denials CHECK (action <> 'authz.denied')`);
    const failedBefore = await metric('authz.denied', 'failed');

    const res = await graphql(stack.gatewayUrl, RENAME, { token, variables: { name: 'Nope' } });

    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', requirement: 'role:admin' }) }),
    ]);
    expect((await metric('authz.denied', 'failed')) - failedBefore).toBe(1);
    expect(await tenantEvents(tenant.id, `action = 'authz.denied'`)).toEqual([]);
  });

  it('records failed sign-ins without the password: a member of the tenant asked for on its trail, an unknown address only on the platform trail', async () => {
    const email = `owner-${randomUUID().slice(0, 8)}@example.test`;
    const slug = `sec-${randomUUID().slice(0, 8)}`;
    const signedUp = await graphql(stack.gatewayUrl, SIGN_UP, {
      variables: { input: { email, password: PASSWORD, displayName: 'Owner', organisation: { name: 'Sec Co', slug } } },
    });
    expect(errorCodes(signedUp)).toEqual([]);
    const [tenant] = (await db.dataSource.query(`SELECT id FROM platform.tenants WHERE slug = $1`, [slug])) as { id: string }[];
    const wrongPassword = 'wrong-horse-battery-staple-99';
    const unknown = `nobody-${randomUUID().slice(0, 8)}@example.test`;
    const platformBefore = (await platformEvents()).length;

    const wrong = await graphql(stack.gatewayUrl, SIGN_IN, {
      variables: { input: { email, password: wrongPassword, tenantId: tenant!.id } },
    });
    const stranger = await graphql(stack.gatewayUrl, SIGN_IN, {
      variables: { input: { email: unknown, password: wrongPassword, tenantId: tenant!.id } },
    });

    expect(errorCodes(wrong)).toEqual(errorCodes(stranger));
    const onTenant = await tenantEvents(tenant!.id, `action = 'auth.sign_in_failed'`);
    expect(onTenant).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        actor_id: null,
        resource_type: 'sign_in',
        changes: expect.objectContaining({ reason: 'invalid_credentials', userId: expect.any(String) }),
      }),
    ]);
    const onPlatform = (await platformEvents()).slice(platformBefore).filter((e) => e.action === 'auth.sign_in_failed');
    expect(onPlatform).toEqual([
      expect.objectContaining({
        changes: expect.objectContaining({
          reason: 'invalid_credentials',
          knownAccount: false,
          emailRedacted: 'n***@example.test',
          emailHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      }),
    ]);
    const everything = JSON.stringify([onTenant, onPlatform]);
    expect(everything).not.toContain(wrongPassword);
    expect(everything).not.toContain(unknown);
    expect(stack.logs.join('\n')).not.toContain(wrongPassword);
  });

  it('records a wrong second-factor code at sign-in (not a missing one), on the platform trail for a person without a tenant', async () => {
    const email = `mfa-${randomUUID().slice(0, 8)}@example.test`;
    await graphql(stack.gatewayUrl, SIGN_UP, { variables: { input: { email, password: PASSWORD, displayName: 'Mfa' } } });
    const signedIn = await graphql<{ signIn: { accessToken: string } }>(stack.gatewayUrl, SIGN_IN, {
      variables: { input: { email, password: PASSWORD } },
    });
    const token = signedIn.body.data!.signIn.accessToken;
    const enrolled = await graphql<{ enrollMfa: { secret: string } }>(stack.gatewayUrl, 'mutation { enrollMfa { secret } }', { token });
    const seed = base32Decode(enrolled.body.data!.enrollMfa.secret);
    const confirmed = await graphql(stack.gatewayUrl, 'mutation ($code: String!) { confirmMfa(code: $code) }', {
      token,
      variables: { code: totp(seed, Date.now() / 1000) },
    });
    expect(errorCodes(confirmed)).toEqual([]);
    const before = (await platformEvents(`action = 'auth.sign_in_failed'`)).length;
    const wrongCode = totp(seed, Date.now() / 1000 + 3600);

    const missing = await graphql(stack.gatewayUrl, SIGN_IN, { variables: { input: { email, password: PASSWORD } } });
    const wrong = await graphql(stack.gatewayUrl, SIGN_IN, { variables: { input: { email, password: PASSWORD, mfaCode: wrongCode } } });

    expect(errorCodes(missing)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    const added = (await platformEvents(`action = 'auth.sign_in_failed'`)).slice(before);
    expect(added.map((e) => e.changes)).toEqual([expect.objectContaining({ reason: 'mfa_invalid', knownAccount: true })]);
    expect(JSON.stringify(added)).not.toContain(`"${wrongCode}"`);
  });

  it("records a reused refresh token on the session tenant's trail, without the token", async () => {
    const email = `reuse-${randomUUID().slice(0, 8)}@example.test`;
    const slug = `reuse-${randomUUID().slice(0, 8)}`;
    await graphql(stack.gatewayUrl, SIGN_UP, {
      variables: { input: { email, password: PASSWORD, displayName: 'Owner', organisation: { name: 'Reuse Co', slug } } },
    });
    const [tenant] = (await db.dataSource.query(`SELECT id FROM platform.tenants WHERE slug = $1`, [slug])) as { id: string }[];
    const signedIn = await graphql<{ signIn: { refreshToken: string } }>(
      stack.gatewayUrl,
      'mutation ($input: SignInInput!) { signIn(input: $input) { refreshToken } }',
      { variables: { input: { email, password: PASSWORD, tenantId: tenant!.id } } },
    );
    const stolen = signedIn.body.data!.signIn.refreshToken;
    expect(errorCodes(await graphql(stack.gatewayUrl, REFRESH, { variables: { token: stolen } }))).toEqual([]);

    const replay = await graphql(stack.gatewayUrl, REFRESH, { variables: { token: stolen } });

    expect(errorCodes(replay)).not.toEqual([]);
    const events = await tenantEvents(tenant!.id, `action = 'auth.refresh_token_reused'`);
    expect(events).toEqual([
      expect.objectContaining({
        resource_type: 'session',
        changes: expect.objectContaining({ revoked: true, userId: expect.any(String) }),
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(stolen);
  });

  it("records a rejected API key: a known key on its tenant's trail, an unknown one on the platform's, never the secret", async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const created = await graphql<{ createApiKey: { key: string; apiKey: { id: string } } }>(stack.gatewayUrl, CREATE_KEY, {
      token: await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' }),
    });
    expect(errorCodes(created)).toEqual([]);
    const { key, apiKey } = created.body.data!.createApiKey;
    // tk_<12 hex prefix>_<43-character secret>
    const prefix = key.slice(3, 15);
    const secret = key.slice(16);
    const wrongSecret = `tk_${prefix}_${secret.replace(/./g, (c) => (c === 'A' ? 'B' : 'A'))}`;
    const unknownKey = `tk_${randomUUID().replace(/-/g, '').slice(0, 12)}_${secret}`;
    const platformBefore = (await platformEvents(`action = 'auth.api_key_rejected'`)).length;

    const wrong = await graphql(stack.gatewayUrl, '{ members { role } }', { headers: { authorization: `ApiKey ${wrongSecret}` } });
    const unknown = await graphql(stack.gatewayUrl, '{ members { role } }', { headers: { authorization: `ApiKey ${unknownKey}` } });

    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(unknown)).toEqual(['UNAUTHENTICATED']);
    const onTenant = await tenantEvents(tenant.id, `action = 'auth.api_key_rejected'`);
    expect(onTenant).toEqual([
      expect.objectContaining({ resource_type: 'api_key', resource_id: apiKey.id, changes: { reason: 'wrong_secret' } }),
    ]);
    const onPlatform = (await platformEvents(`action = 'auth.api_key_rejected'`)).slice(platformBefore);
    expect(onPlatform.map((e) => e.changes.reason)).toEqual(['unknown_key']);
    expect(JSON.stringify([onTenant, onPlatform])).not.toContain(secret);
  });
});

describe("the security-event recorder's flood bound", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('writes at most maxPerWindow events per window, and the next event of a coalesced or dropped key carries the count', async () => {
    let now = 0;
    const recorder = new SecurityAuditRecorder(db.dataSource, undefined, { windowMs: 60_000, maxPerWindow: 2, maxKeys: 100 }, () => now);
    const event = (resourceId: string) => ({
      action: 'authz.denied',
      actor: { kind: 'anonymous' as const },
      clientIp: '203.0.113.9',
      resourceType: 'operation',
      resourceId,
      details: { requirement: 'staff' },
    });

    const firstWindow = [];
    for (const id of ['Query.a', 'Query.b', 'Query.c', 'Query.a', 'Query.a']) firstWindow.push(await recorder.record(event(id)));
    now = 60_000;
    const secondWindow = [await recorder.record(event('Query.a')), await recorder.record(event('Query.c'))];

    expect(firstWindow).toEqual(['written', 'written', 'dropped', 'coalesced', 'coalesced']);
    expect(secondWindow).toEqual(['written', 'written']);
    const rows = (await db.dataSource.query(
      `SELECT resource_id, changes FROM platform.audit_events WHERE action = 'authz.denied' ORDER BY seq`,
    )) as { resource_id: string; changes: Record<string, unknown> }[];
    expect(rows).toEqual([
      { resource_id: 'Query.a', changes: { requirement: 'staff' } },
      { resource_id: 'Query.b', changes: { requirement: 'staff' } },
      { resource_id: 'Query.a', changes: { requirement: 'staff', coalesced: 2 } },
      { resource_id: 'Query.c', changes: { requirement: 'staff', coalesced: 1 } },
    ]);
  });
});
