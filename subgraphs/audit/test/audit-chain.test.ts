import type { JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { appendAuditEvent, chainHash } from '@tenantry/audit-writer';
import { importJWK, jwtVerify } from 'jose';
import type { Principal } from '@tenantry/auth';
import { createLogger } from '@tenantry/logging';
import { createDataSource, tenantSchemaName, withTenant } from '@tenantry/tenancy';
import {
  createMember,
  createTenant,
  createTestDatabase,
  errorCodes,
  graphql,
  startStack,
  type Stack,
  type TestDatabase,
  type TestTenant,
} from '@tenantry/testing';
import { loadAuditSubgraphConfig, startAuditSubgraph } from '../src';

const VERIFY = `query Verify($from: String, $to: String, $checkpoint: String) {
  verifyAuditChain(from: $from, to: $to, checkpoint: $checkpoint) {
    ok fromSequence toSequence headSequence checkedEvents checkpointsChecked
    firstBreak { sequence reason detail }
  }
}`;
const CHECKPOINT = 'mutation { createAuditCheckpoint { sequence hash signedAt keyId token } }';

interface Verification {
  ok: boolean;
  fromSequence: string;
  toSequence: string;
  headSequence: string;
  checkedEvents: number;
  checkpointsChecked: number;
  firstBreak: { sequence: string; reason: string; detail: string } | null;
}

describe('the tenant audit chain', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 40 });
    stack = await startStack(db.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  const actor: Principal = { kind: 'user', userId: randomUUID(), role: 'owner' };

  async function appendEvents(tenant: TestTenant, count: number, label = 'w'): Promise<void> {
    for (let i = 0; i < count; i++) {
      await withTenant(db.dataSource, tenant.id, (m) =>
        appendAuditEvent(m, {
          action: 'widget.updated',
          actor,
          resourceType: 'widget',
          resourceId: `${label}-${i}`,
          changes: { size: { from: i, to: i + 0.1 }, note: { to: `événement ${i}` } },
          requestId: `req-${label}-${i}`,
        }),
      );
    }
  }

  async function adminToken(tenant: TestTenant): Promise<string> {
    const admin = await createMember(db.dataSource, tenant.id, 'admin');
    return stack.token({ userId: admin.id, tenantId: tenant.id, role: 'admin' });
  }

  async function verify(token: string, variables: Record<string, unknown> = {}): Promise<Verification> {
    const res = await graphql<{ verifyAuditChain: Verification }>(stack.gatewayUrl, VERIFY, { token, variables });
    expect(errorCodes(res)).toEqual([]);
    return res.body.data!.verifyAuditChain;
  }

  /** What an attacker with superuser rights does: switch the audit triggers off, change rows, switch them on. */
  async function tamper(tenant: TestTenant, sql: string, params: unknown[] = []): Promise<void> {
    const schema = `"${tenantSchemaName(tenant.id)}"`;
    await db.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE ${schema}.audit_events DISABLE TRIGGER USER`);
      await m.query(`ALTER TABLE ${schema}.audit_chain_head DISABLE TRIGGER USER`);
      await m.query(sql.replaceAll('$schema', schema), params);
      await m.query(`ALTER TABLE ${schema}.audit_events ENABLE TRIGGER USER`);
      await m.query(`ALTER TABLE ${schema}.audit_chain_head ENABLE TRIGGER USER`);
    });
  }

  function sequences(tenant: TestTenant): Promise<{ seq: string }[]> {
    return db.dataSource.query(`SELECT seq::text AS seq FROM "${tenantSchemaName(tenant.id)}".audit_events e ORDER BY e.seq`);
  }

  it('stays one unbroken, gap-free chain per tenant with 16 concurrent writers on each of 2 tenants', async () => {
    const tenants = [await createTenant(db.dataSource, { plan: 'enterprise' }), await createTenant(db.dataSource, { plan: 'enterprise' })];
    const perWriter = 10;

    await Promise.all(tenants.flatMap((tenant) => Array.from({ length: 16 }, (_, w) => appendEvents(tenant, perWriter, `w${w}`))));

    for (const tenant of tenants) {
      expect((await sequences(tenant)).map((r) => Number(r.seq))).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
      const result = await verify(await adminToken(tenant));
      expect(result).toEqual({
        ok: true,
        fromSequence: '1',
        toSequence: '160',
        headSequence: '160',
        checkedEvents: 160,
        checkpointsChecked: 0,
        firstBreak: null,
      });
    }
  });

  it('verifies events recorded through the gateway, with their hashes chained from the first', async () => {
    const tenant = await createTenant(db.dataSource, { name: 'Before', plan: 'enterprise' });
    const owner = await createMember(db.dataSource, tenant.id, 'owner');
    const token = await stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    for (const name of ['One', 'Two', 'Three']) {
      const res = await graphql(stack.gatewayUrl, 'mutation R($n: String!) { renameTenant(input: { name: $n }) { name } }', {
        token,
        variables: { n: name },
      });
      expect(errorCodes(res)).toEqual([]);
    }

    const result = await verify(token);

    expect(result).toMatchObject({ ok: true, checkedEvents: 3, headSequence: '3', firstBreak: null });
  });

  it('detects an edited event as CONTENT_MISMATCH at its sequence', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await appendEvents(tenant, 10);
    await tamper(tenant, `UPDATE $schema.audit_events SET actor_id = 'someone-else' WHERE seq = 4`);

    const result = await verify(await adminToken(tenant));

    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ sequence: '4', reason: 'CONTENT_MISMATCH' });
  });

  it('detects an edited event whose hash was recomputed as a FORK at the next event', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await appendEvents(tenant, 10);
    // A forger who knows the encoding can re-hash the row; its successor still names the old hash.
    const [row] = await db.dataSource.query(
      `SELECT seq::text AS seq, id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id, occurred_at, prev_hash
         FROM "${tenantSchemaName(tenant.id)}".audit_events WHERE seq = 6`,
    );
    const forged = chainHash(row.prev_hash, {
      tenantId: tenant.id,
      seq: row.seq,
      id: row.id,
      action: row.action,
      actorType: row.actor_type,
      actorId: row.actor_id,
      resourceType: row.resource_type,
      resourceId: 'forged',
      changes: row.changes,
      requestId: row.request_id,
      occurredAt: row.occurred_at.toISOString(),
    });
    await tamper(tenant, `UPDATE $schema.audit_events SET resource_id = 'forged', hash = $1 WHERE seq = 6`, [forged]);

    const result = await verify(await adminToken(tenant));

    expect(result.firstBreak).toMatchObject({ sequence: '7', reason: 'FORK' });
  });

  it('detects a deleted middle event as a GAP at its sequence', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await appendEvents(tenant, 10);
    await tamper(tenant, `DELETE FROM $schema.audit_events WHERE seq = 5`);

    const result = await verify(await adminToken(tenant));

    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ sequence: '5', reason: 'GAP' });
  });

  it('detects a truncated tail against the chain head', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await appendEvents(tenant, 10);
    await tamper(tenant, `DELETE FROM $schema.audit_events WHERE seq > 8`);

    const result = await verify(await adminToken(tenant));

    expect(result.firstBreak).toMatchObject({ sequence: '9', reason: 'TRUNCATED' });
  });

  it('detects a truncated tail with a rewound head against a stored checkpoint, and against one the auditor kept', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const token = await adminToken(tenant);
    await appendEvents(tenant, 10);
    const checkpoint = await graphql<{ createAuditCheckpoint: { sequence: string; token: string } }>(stack.gatewayUrl, CHECKPOINT, {
      token,
    });
    expect(errorCodes(checkpoint)).toEqual([]);
    expect(checkpoint.body.data!.createAuditCheckpoint.sequence).toBe('10');
    expect((await verify(token)).ok).toBe(true);

    // The attacker removes events 8-10, rewinds the head to event 7 and drops the stored checkpoint.
    await tamper(
      tenant,
      `WITH gone AS (DELETE FROM $schema.audit_events WHERE seq > 7)
       UPDATE $schema.audit_chain_head SET last_seq = 7, last_hash = (SELECT hash FROM $schema.audit_events WHERE seq = 7)`,
    );
    const stored = await verify(token);
    expect(stored.firstBreak).toMatchObject({ sequence: '8', reason: 'TRUNCATED' });
    expect(stored.firstBreak!.detail).toContain('checkpoint');

    const schema = `"${tenantSchemaName(tenant.id)}"`;
    await db.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE ${schema}.audit_checkpoints DISABLE TRIGGER USER`);
      await m.query(`DELETE FROM ${schema}.audit_checkpoints`);
      await m.query(`ALTER TABLE ${schema}.audit_checkpoints ENABLE TRIGGER USER`);
    });
    expect((await verify(token)).ok).toBe(true);
    const kept = await verify(token, { checkpoint: checkpoint.body.data!.createAuditCheckpoint.token });
    expect(kept.firstBreak).toMatchObject({ sequence: '8', reason: 'TRUNCATED' });
  });

  it('detects a rewritten chain that disagrees with a signed checkpoint as CHECKPOINT_MISMATCH', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const token = await adminToken(tenant);
    await appendEvents(tenant, 5);
    const checkpoint = await graphql<{ createAuditCheckpoint: { token: string } }>(stack.gatewayUrl, CHECKPOINT, { token });
    // Rewind to event 4, then append a different event 5 through the normal path: a valid chain, another history.
    await tamper(
      tenant,
      `WITH gone AS (DELETE FROM $schema.audit_events WHERE seq = 5)
       UPDATE $schema.audit_chain_head SET last_seq = 4, last_hash = (SELECT hash FROM $schema.audit_events WHERE seq = 4)`,
    );
    await appendEvents(tenant, 1, 'rewritten');

    const result = await verify(token, { checkpoint: checkpoint.body.data!.createAuditCheckpoint.token });

    expect(result.firstBreak).toMatchObject({ sequence: '5', reason: 'CHECKPOINT_MISMATCH' });
  });

  it('refuses a checkpoint that the audit key did not sign with BAD_USER_INPUT', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const token = await adminToken(tenant);
    const res = await graphql(stack.gatewayUrl, VERIFY, { token, variables: { checkpoint: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' } });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['a sequence that is not a number', { from: 'one' }],
    ['sequence zero', { from: '0' }],
    ['to before from', { from: '5', to: '3' }],
  ])('refuses %s with BAD_USER_INPUT', async (_label, variables) => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await appendEvents(tenant, 5);
    const res = await graphql(stack.gatewayUrl, VERIFY, { token: await adminToken(tenant), variables });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('verifies a sub-range, linking its first event to the one before', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    await appendEvents(tenant, 20);
    const token = await adminToken(tenant);

    expect(await verify(token, { from: '5', to: '12' })).toMatchObject({ ok: true, fromSequence: '5', toSequence: '12', checkedEvents: 9 });
    await tamper(tenant, `DELETE FROM $schema.audit_events WHERE seq = 15`);
    expect((await verify(token, { from: '5', to: '12' })).ok).toBe(true);
    expect((await verify(token, { from: '13' })).firstBreak).toMatchObject({ sequence: '15', reason: 'GAP' });
  });

  it('hashes the same bytes whatever the session time zone and float settings', async () => {
    const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
    const dbName = new URL(db.url).pathname.slice(1);
    await db.dataSource.query(`ALTER DATABASE "${dbName}" SET timezone TO 'Pacific/Chatham'`);
    await db.dataSource.query(`ALTER DATABASE "${dbName}" SET extra_float_digits TO -3`);
    const odd = createDataSource({ url: db.url, poolSize: 2, applicationName: 'odd-session' });
    await odd.initialize();
    try {
      for (let i = 0; i < 3; i++) {
        await withTenant(odd, tenant.id, (m) =>
          appendAuditEvent(m, { action: 'widget.measured', actor, resourceType: 'widget', resourceId: 'x', changes: { v: { to: 1 / 3 } } }),
        );
      }
    } finally {
      await odd.destroy();
      await db.dataSource.query(`ALTER DATABASE "${dbName}" RESET timezone`);
      await db.dataSource.query(`ALTER DATABASE "${dbName}" RESET extra_float_digits`);
    }
    await appendEvents(tenant, 2);

    expect(await verify(await adminToken(tenant))).toMatchObject({ ok: true, checkedEvents: 5 });
  });

  describe('append-only', () => {
    it('refuses UPDATE, DELETE and TRUNCATE of events even to the table owner (superuser here)', async () => {
      const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
      await appendEvents(tenant, 2);
      const schema = `"${tenantSchemaName(tenant.id)}"`;

      for (const sql of [
        `UPDATE ${schema}.audit_events SET action = 'tenant.forged'`,
        `DELETE FROM ${schema}.audit_events`,
        `TRUNCATE ${schema}.audit_events`,
        `UPDATE ${schema}.audit_chain_head SET last_seq = 0`,
        `DELETE FROM ${schema}.audit_chain_head`,
        `TRUNCATE ${schema}.audit_checkpoints`,
        `TRUNCATE ${schema}.audit_chain_head`,
      ]) {
        await expect(db.dataSource.query(sql)).rejects.toMatchObject({ code: '42501' });
      }
      expect(await sequences(tenant)).toEqual([{ seq: '1' }, { seq: '2' }]);
    });

    it('refuses an event that does not extend the head, even from the table owner', async () => {
      const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
      await appendEvents(tenant, 1);
      const schema = `"${tenantSchemaName(tenant.id)}"`;

      const insert = db.dataSource.query(
        `INSERT INTO ${schema}.audit_events (seq, id, action, actor_type, resource_type, resource_id, occurred_at, prev_hash, hash)
         VALUES (5, $1, 'tenant.forged', 'system', 'tenant', 'x', now(), $2, $2)`,
        [randomUUID(), Buffer.alloc(32)],
      );

      await expect(insert).rejects.toMatchObject({ code: '40001' });
    });

    it('gives the tenant role no UPDATE, DELETE or TRUNCATE on any audit table', async () => {
      const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
      const rows: { table_name: string; privilege_type: string }[] = await db.dataSource.query(
        `SELECT table_name, privilege_type FROM information_schema.role_table_grants
          WHERE grantee = $1 AND table_name LIKE 'audit%' ORDER BY table_name, privilege_type`,
        [`${tenantSchemaName(tenant.id)}_rw`],
      );
      expect(rows).toEqual([
        { table_name: 'audit_chain_head', privilege_type: 'SELECT' },
        { table_name: 'audit_checkpoints', privilege_type: 'INSERT' },
        { table_name: 'audit_checkpoints', privilege_type: 'SELECT' },
        { table_name: 'audit_events', privilege_type: 'INSERT' },
        { table_name: 'audit_events', privilege_type: 'SELECT' },
        { table_name: 'audit_purges', privilege_type: 'SELECT' },
      ]);
    });
  });

  describe('checkpoints', () => {
    it('signs the head on demand with the audit key, listed newest first', async () => {
      const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
      const token = await adminToken(tenant);
      await appendEvents(tenant, 3);

      const created = await graphql<{ createAuditCheckpoint: { sequence: string; hash: string; keyId: string; token: string } }>(
        stack.gatewayUrl,
        CHECKPOINT,
        { token },
      );
      const key = await graphql<{ auditSigningKey: Record<string, string> }>(stack.gatewayUrl, '{ auditSigningKey }', { token });
      const listed = await graphql<{ auditCheckpoints: { sequence: string }[] }>(stack.gatewayUrl, '{ auditCheckpoints { sequence } }', {
        token,
      });

      const cp = created.body.data!.createAuditCheckpoint;
      const [head] = await db.dataSource.query(
        `SELECT encode(last_hash, 'hex') AS hash FROM "${tenantSchemaName(tenant.id)}".audit_chain_head`,
      );
      expect(cp).toMatchObject({ sequence: '3', hash: head.hash });
      expect(key.body.data!.auditSigningKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: cp.keyId });
      expect(key.body.data!.auditSigningKey).not.toHaveProperty('d');
      // Anyone with the public JWK can check the token without Tenantry.
      const { payload } = await jwtVerify(cp.token, await importJWK(key.body.data!.auditSigningKey as unknown as JWK, 'EdDSA'));
      expect(payload).toMatchObject({ tid: tenant.id, seq: '3', hash: head.hash });
      expect(listed.body.data!.auditCheckpoints).toEqual([{ sequence: '3' }]);
      const jwks = await graphql<{ auditVerificationKeys: { keys: Record<string, string>[] } }>(
        stack.gatewayUrl,
        '{ auditVerificationKeys }',
        { token },
      );
      expect(jwks.body.data!.auditVerificationKeys.keys).toEqual([key.body.data!.auditSigningKey]);
    });

    it('are signed periodically by the audit subgraph for every tenant whose chain moved', async () => {
      const moved = await createTenant(db.dataSource, { plan: 'enterprise' });
      const idle = await createTenant(db.dataSource, { plan: 'enterprise' });
      await appendEvents(moved, 2);
      const audit = await startAuditSubgraph(
        loadAuditSubgraphConfig({
          DATABASE_URL: db.url,
          CONTEXT_VERIFY_KEY: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }),
          AUDIT_SIGNING_KEY: stack.auditSigningKey,
          AUDIT_CHECKPOINT_INTERVAL_MS: '100',
        }),
        0,
        createLogger('audit-timer-test', 'silent'),
      );
      try {
        const deadline = Date.now() + 10_000;
        let rows: { seq: string }[] = [];
        while (Date.now() < deadline && rows.length === 0) {
          await new Promise((r) => setTimeout(r, 100));
          rows = await db.dataSource.query(`SELECT seq::text AS seq FROM "${tenantSchemaName(moved.id)}".audit_checkpoints`);
        }
        expect(rows).toEqual([{ seq: '2' }]);
        await new Promise((r) => setTimeout(r, 300));
        // Not re-signed while the chain stands still; the idle tenant (head at 0) gets one once.
        expect(await db.dataSource.query(`SELECT seq::text AS seq FROM "${tenantSchemaName(moved.id)}".audit_checkpoints`)).toEqual([
          { seq: '2' },
        ]);
        expect(await db.dataSource.query(`SELECT seq::text AS seq FROM "${tenantSchemaName(idle.id)}".audit_checkpoints`)).toEqual([
          { seq: '0' },
        ]);
      } finally {
        await audit.stop();
      }
    });
  });

  describe('who may ask', () => {
    it.each([
      ['verifyAuditChain', '{ verifyAuditChain { ok } }'],
      ['auditCheckpoints', '{ auditCheckpoints { sequence } }'],
      ['createAuditCheckpoint', CHECKPOINT],
    ])('refuses %s to a manager with FORBIDDEN', async (_name, query) => {
      const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
      const manager = await createMember(db.dataSource, tenant.id, 'manager');
      const token = await stack.token({ userId: manager.id, tenantId: tenant.id, role: 'manager' });

      const res = await graphql(stack.gatewayUrl, query, { token });

      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    });
  });
});
