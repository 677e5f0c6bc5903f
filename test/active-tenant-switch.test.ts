import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import {
  dropTenantStorage,
  migratePlatform,
  migrateTenants,
  pgCode,
  provisionTenant,
  quoteIdent,
  statementCounts,
  tenantGatedRoleName,
  tenantRoleName,
  tenantSchemaName,
  withTenant,
} from '@tenantry/tenancy';
import { tenantMigrations, type TenantMigration } from '@tenantry/migrations';
import { createTenant, createTestDatabase, type TestDatabase, type TestTenant } from '@tenantry/testing';

/**
 * ADR 0029: a tenant's role is named `_rw` exactly while the tenant is active and `_gated`
 * otherwise, renamed in the transaction that changes the status. An active tenant's unit switches
 * to the `_rw` name without reading the status; that the name exists proves the status. These prove
 * the name follows the status, that every status change is seen by the very next unit, and that
 * isolation holds on that switch.
 */
describe('the switch for an active tenant reads no status, and is never stale (ADR 0029)', () => {
  let db: TestDatabase;
  let admin: Client;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  const whoAmI = (tenant: TestTenant) =>
    withTenant(db.dataSource, tenant.id, async (m) => ((await m.query('SELECT current_user AS "role"')) as { role: string }[])[0]!.role);
  const roleOf = async (tenant: TestTenant) => {
    const { rows } = await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2)', [
      tenantRoleName(tenant.id),
      tenantGatedRoleName(tenant.id),
    ]);
    return rows.map((r) => r.rolname.replace(/^tenant_[0-9a-f]{32}/, '')).join(',') || 'none';
  };
  const setStatus = (tenant: TestTenant, status: string) =>
    admin.query(`UPDATE platform.tenants SET status = $2, status_changed_at = now() WHERE id = $1`, [tenant.id, status]);
  const addCounter = (resource: string) => (m: EntityManager) =>
    m.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ($1, now(), 1)`, [resource]);
  const failureOf = async (attempt: Promise<unknown>) => {
    try {
      await attempt;
    } catch (error) {
      const e = error as { extensions?: { code?: unknown; reason?: unknown } };
      return { code: e.extensions?.code ?? pgCode(error), reason: e.extensions?.reason };
    }
    throw new Error('expected the unit to be refused, but it ran');
  };
  const statements = async (work: () => Promise<unknown>) => {
    const name = (db.dataSource.options as { applicationName?: string }).applicationName ?? 'tenantry';
    const before = statementCounts()[name] ?? 0;
    await work();
    return (statementCounts()[name] ?? 0) - before;
  };
  const newTrial = async (): Promise<TestTenant> => {
    const trial = { id: randomUUID(), slug: `trial-${randomUUID().slice(0, 8)}` };
    await provisionTenant(db.dataSource, { ...trial, name: 'Trial', status: 'trial', trialEndsAt: new Date(Date.now() + 86_400_000) });
    return trial;
  };

  it('switches an active tenant to its _rw role with no status read, in three statements (opening, work, COMMIT)', async () => {
    const tenant = await createTenant(db.dataSource);
    const hex = tenant.id.replace(/-/g, '');

    const inside = await withTenant(db.dataSource, tenant.id, async (m) => {
      const [row] = (await m.query(
        `SELECT current_user AS "role", current_schemas(false)::text[] AS "searchPath", current_setting('tenantry.tenant_id') AS "tenantId",
                platform.current_tenant_id() AS "rlsTenant", current_setting('transaction_read_only') AS "readOnly"`,
      )) as unknown[];
      return row;
    });
    const count = await statements(() => whoAmI(tenant));

    expect(inside).toEqual({
      role: `tenant_${hex}_rw`,
      searchPath: [`tenant_${hex}`, 'platform'],
      tenantId: tenant.id,
      rlsTenant: tenant.id,
      readOnly: 'off',
    });
    // The status-read opening switches to the _gated name, which an active tenant's role does not
    // have: running as _rw in three statements means the opening read no status.
    expect(count).toBe(3);
  });

  it('names the role after the status in the transaction that changes it, whoever changes it', async () => {
    const tenant = await createTenant(db.dataSource);
    const trial = await newTrial();
    const seen: Record<string, string> = { 'provisioned active': await roleOf(tenant), 'provisioned trial': await roleOf(trial) };

    for (const status of ['suspended', 'cancelled', 'active', 'trial', 'active']) {
      await setStatus(tenant, status);
      seen[`after ${status}`] = await roleOf(tenant);
    }
    await admin.query('BEGIN');
    try {
      await setStatus(tenant, 'suspended');
      // Deferred to COMMIT: not renamed yet, not even as seen by the transaction that suspended it.
      seen['inside the suspending transaction'] = await roleOf(tenant);
    } finally {
      await admin.query('ROLLBACK');
    }
    seen['after it rolled back'] = await roleOf(tenant);
    await db.dataSource.transaction(async (m) => {
      await m.query(`UPDATE platform.tenants SET status = 'purged' WHERE id = $1`, [tenant.id]);
      await dropTenantStorage(m, tenant.id);
    });
    seen.purged = await roleOf(tenant);

    expect(seen).toEqual({
      'provisioned active': '_rw',
      'provisioned trial': '_gated',
      'after suspended': '_gated',
      'after cancelled': '_gated',
      'after active': '_rw',
      'after trial': '_gated',
      'inside the suspending transaction': '_rw',
      'after it rolled back': '_rw',
      purged: 'none',
    });
  });

  it('refuses the very next unit after a suspension, a cancellation or a purge, though the last unit took the fast switch', async () => {
    const tenant = await createTenant(db.dataSource);
    const hex = tenant.id.replace(/-/g, '');
    await whoAmI(tenant);

    await setStatus(tenant, 'suspended');
    const write = await failureOf(withTenant(db.dataSource, tenant.id, addCounter('after_suspension'), 'write'));
    const sneakyWrite = await failureOf(withTenant(db.dataSource, tenant.id, addCounter('sneaky_after_suspension')));
    const read = await withTenant(
      db.dataSource,
      tenant.id,
      async (m) =>
        ((await m.query(`SELECT current_user AS "role", current_setting('transaction_read_only') AS "readOnly"`)) as unknown[])[0],
    );

    await setStatus(tenant, 'cancelled');
    const cancelledRead = await failureOf(whoAmI(tenant));
    const exported = await withTenant(db.dataSource, tenant.id, (m) => m.query('SELECT count(*) FROM usage_counters'), 'export');

    await setStatus(tenant, 'active');
    const resumed = [await whoAmI(tenant), await whoAmI(tenant)];
    await withTenant(db.dataSource, tenant.id, addCounter('after_resume'), 'write');

    await db.dataSource.transaction(async (m) => {
      await m.query(`UPDATE platform.tenants SET status = 'purged' WHERE id = $1`, [tenant.id]);
      await dropTenantStorage(m, tenant.id);
    });
    const purged = await failureOf(whoAmI(tenant));

    expect({ write, sneakyWrite, read, cancelledRead, exported: exported.length, resumed, purged }).toEqual({
      write: { code: 'TENANT_SUSPENDED', reason: undefined },
      sneakyWrite: { code: 'TENANT_SUSPENDED', reason: undefined },
      read: { role: `tenant_${hex}_gated`, readOnly: 'on' },
      cancelledRead: { code: 'FORBIDDEN', reason: 'TENANT_CANCELLED' },
      exported: 1,
      resumed: [`tenant_${hex}_rw`, `tenant_${hex}_rw`],
      purged: { code: 'NOT_FOUND', reason: undefined },
    });
  });

  it('reads the status in every unit of a trial tenant (its status follows the clock), and sees the trial end without any job', async () => {
    const trial = await newTrial();
    const hex = trial.id.replace(/-/g, '');

    const roles = [await whoAmI(trial), await whoAmI(trial)];
    await admin.query(`UPDATE platform.tenants SET trial_ends_at = now() - interval '1 second' WHERE id = $1`, [trial.id]);
    const expired = await failureOf(withTenant(db.dataSource, trial.id, addCounter('after_trial'), 'write'));

    expect(roles).toEqual([`tenant_${hex}_gated`, `tenant_${hex}_gated`]);
    expect(expired.code).toBe('TENANT_SUSPENDED');
  });

  it('costs a wrong guess one refused round trip and no wrong answer, whichever way the status moved', async () => {
    const tenant = await createTenant(db.dataSource);
    await whoAmI(tenant);
    // Last seen active, now suspended: the _rw opening is refused, the status read follows.
    await setStatus(tenant, 'suspended');
    const suspendedCount = await statements(async () => expect(await whoAmI(tenant)).toMatch(/_gated$/));
    // Last seen suspended, now active: the status-read opening is refused, the _rw one follows.
    await setStatus(tenant, 'active');
    const resumedCount = await statements(async () => expect(await whoAmI(tenant)).toMatch(/_rw$/));
    const steadyCount = await statements(async () => expect(await whoAmI(tenant)).toMatch(/_rw$/));

    // Opening, ROLLBACK, opening, work, COMMIT — then back to three.
    expect({ suspendedCount, resumedCount, steadyCount }).toEqual({ suspendedCount: 5, resumedCount: 5, steadyCount: 3 });
  });

  it('answers NOT_FOUND for a tenant with a registry row but no role, under either name', async () => {
    const tenant = await createTenant(db.dataSource);
    await whoAmI(tenant);
    await admin.query(`DROP OWNED BY ${quoteIdent(tenantRoleName(tenant.id))}; DROP ROLE ${quoteIdent(tenantRoleName(tenant.id))}`);

    expect(await failureOf(whoAmI(tenant))).toEqual({ code: 'NOT_FOUND', reason: undefined });
  });

  it('grants a later migration to the role under whichever name it has, so a suspended tenant keeps every table after resuming', async () => {
    const active = await createTenant(db.dataSource);
    const suspended = await createTenant(db.dataSource);
    await setStatus(suspended, 'suspended');
    const extra: TenantMigration = {
      id: '9990-test-role-name-grant',
      owner: 'tenant',
      up: ({ role }) => `CREATE TABLE switch_probe (n int); INSERT INTO switch_probe VALUES (1); GRANT SELECT ON switch_probe TO ${role};`,
    };
    const report = await migrateTenants(db.dataSource, { migrations: [...tenantMigrations, extra], tenantIds: [active.id, suspended.id] });
    await setStatus(suspended, 'active');

    const read = (tenant: TestTenant) => withTenant(db.dataSource, tenant.id, (m) => m.query('SELECT n FROM switch_probe'));
    expect(report.failed).toEqual([]);
    expect([await read(active), await read(suspended)]).toEqual([[{ n: 1 }], [{ n: 1 }]]);
  });

  it('lets an expired trial that counts as active (trial_expires_to = active) write, through the status read', async () => {
    const trial = await newTrial();
    await admin.query(`UPDATE platform.tenants SET trial_ends_at = now() - interval '1 second' WHERE id = $1`, [trial.id]);
    const [{ before }] = (await admin.query<{ before: string }>('SELECT trial_expires_to AS before FROM platform.lifecycle_policy')).rows;
    await admin.query(`UPDATE platform.lifecycle_policy SET trial_expires_to = 'active'`);
    try {
      await withTenant(db.dataSource, trial.id, addCounter('expired_trial_counts_as_active'), 'write');
      expect(await whoAmI(trial)).toBe(tenantGatedRoleName(trial.id));
    } finally {
      await admin.query(`UPDATE platform.lifecycle_policy SET trial_expires_to = $1`, [before]);
    }
  });

  it('puts a role name that disagrees with the status right on the next status change, and on every migrate', async () => {
    const a = await createTenant(db.dataSource);
    const b = await createTenant(db.dataSource);
    for (const tenant of [a, b]) await setStatus(tenant, 'suspended');
    // Drift: both suspended tenants' roles carry the active name (say, roles restored from an older dump).
    for (const tenant of [a, b]) {
      await admin.query(`ALTER ROLE ${quoteIdent(tenantGatedRoleName(tenant.id))} RENAME TO ${quoteIdent(tenantRoleName(tenant.id))}`);
    }

    await setStatus(a, 'cancelled');
    await migratePlatform(db.dataSource);

    expect([await roleOf(a), await roleOf(b)]).toEqual(['_gated', '_gated']);
    expect((await failureOf(withTenant(db.dataSource, b.id, addCounter('drifted'), 'write'))).code).toBe('TENANT_SUSPENDED');
  });

  it('refuses, naming the tenant, a status change or a migrate that finds both role names, and changes nothing', async () => {
    const tenant = await createTenant(db.dataSource);
    await admin.query(`CREATE ROLE ${quoteIdent(tenantGatedRoleName(tenant.id))} NOLOGIN`);
    try {
      const change = await failureOf(setStatus(tenant, 'suspended'));
      await setStatus(tenant, 'suspended').catch(() => undefined);
      const [{ status }] = (await admin.query<{ status: string }>('SELECT status FROM platform.tenants WHERE id = $1', [tenant.id])).rows;
      // Drift the other way round: a suspended tenant under the active name, and the gated name taken.
      await admin.query(`ALTER TABLE platform.tenants DISABLE TRIGGER tenants_role_name_follows_status`);
      await setStatus(tenant, 'suspended');
      await admin.query(`ALTER TABLE platform.tenants ENABLE ALWAYS TRIGGER tenants_role_name_follows_status`);
      const migrate = await migratePlatform(db.dataSource).then(
        () => 'ran',
        (error: Error) => error.message,
      );

      expect({ change: change.code, status }).toEqual({ change: '42710', status: 'active' });
      expect(migrate).toContain(`tenant ${tenant.id}: tenant ${tenant.id} has both roles`);
    } finally {
      await admin.query(`ALTER TABLE platform.tenants ENABLE ALWAYS TRIGGER tenants_role_name_follows_status`);
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(tenantGatedRoleName(tenant.id))}`);
    }
  });

  it("keeps isolation on the fast switch: another tenant's schema is refused and shared tables show only the tenant's rows", async () => {
    const a = await createTenant(db.dataSource);
    const b = await createTenant(db.dataSource);
    await whoAmI(a);

    const seen = await withTenant(db.dataSource, a.id, async (m) => ({
      role: ((await m.query('SELECT current_user AS "role"')) as { role: string }[])[0]!.role,
      tenants: ((await m.query('SELECT id FROM platform.tenants')) as { id: string }[]).map((r) => r.id),
    }));
    const foreign = await failureOf(
      withTenant(db.dataSource, a.id, (m) => m.query(`SELECT resource FROM ${quoteIdent(tenantSchemaName(b.id))}.usage_counters`)),
    );
    const foreignRegistry = await withTenant(db.dataSource, a.id, (m) => m.query('SELECT id FROM platform.tenants WHERE id = $1', [b.id]));

    expect(seen).toEqual({ role: tenantRoleName(a.id), tenants: [a.id] });
    expect(foreign.code).toBe('42501');
    expect(foreignRegistry).toEqual([]);
  });
});
