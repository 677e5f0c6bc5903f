import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import {
  dropTenantStorage,
  pgCode,
  provisionTenant,
  quoteIdent,
  tenantActiveRoleName,
  tenantSchemaName,
  withTenant,
} from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase, type TestTenant } from '@tenantry/testing';

/**
 * ADR 0029: a unit of work for a tenant last seen active switches to the tenant's _active role
 * without reading its status. The role exists exactly while the tenant is active, so the switch is
 * as fresh as a status read. These prove the role follows the status in the same transaction, that
 * every status change is seen by the very next unit, and that isolation holds on that switch.
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
  const hexOf = (tenant: TestTenant) => tenant.id.replace(/-/g, '');
  const activeRoleExists = async (tenant: TestTenant) =>
    (
      (await admin.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [tenantActiveRoleName(tenant.id)])).rows[0] as {
        n: number;
      }
    ).n === 1;
  const setStatus = (tenant: TestTenant, status: string) =>
    admin.query(`UPDATE platform.tenants SET status = $2, status_changed_at = now() WHERE id = $1`, [tenant.id, status]);
  const addCounter = (resource: string) => (m: EntityManager) =>
    m.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ($1, now(), 1)`, [resource]);
  const counters = async (tenant: TestTenant) =>
    (
      (await admin.query(`SELECT resource FROM ${quoteIdent(tenantSchemaName(tenant.id))}.usage_counters ORDER BY resource`)).rows as {
        resource: string;
      }[]
    ).map((r) => r.resource);
  const failureOf = async (attempt: Promise<unknown>) => {
    try {
      await attempt;
    } catch (error) {
      const e = error as { extensions?: { code?: unknown; reason?: unknown } };
      return { code: e.extensions?.code ?? pgCode(error), reason: e.extensions?.reason };
    }
    throw new Error('expected the unit to be refused, but it ran');
  };

  it('reads the status in the first unit, then switches straight to the _active role, still in one round trip', async () => {
    const tenant = await createTenant(db.dataSource);

    expect(await whoAmI(tenant)).toBe(`tenant_${hexOf(tenant)}_rw`);
    expect(await whoAmI(tenant)).toBe(`tenant_${hexOf(tenant)}_active`);
    const inside = await withTenant(db.dataSource, tenant.id, async (m) => {
      const [row] = (await m.query(
        `SELECT current_schemas(false)::text[] AS "searchPath", current_setting('tenantry.tenant_id') AS "tenantId",
                platform.current_tenant_id() AS "rlsTenant", current_setting('transaction_read_only') AS "readOnly"`,
      )) as unknown[];
      return row;
    });
    expect(inside).toEqual({
      searchPath: [`tenant_${hexOf(tenant)}`, 'platform'],
      tenantId: tenant.id,
      rlsTenant: tenant.id,
      readOnly: 'off',
    });
  });

  it('keeps the _active role in step with the status, in the transaction that changes it', async () => {
    const tenant = await createTenant(db.dataSource);
    const trial = { id: randomUUID(), slug: `trial-${Date.now()}` };
    await provisionTenant(db.dataSource, { ...trial, name: 'Trial', status: 'trial', trialEndsAt: new Date(Date.now() + 86_400_000) });
    const seen: Record<string, boolean> = {
      provisionedActive: await activeRoleExists(tenant),
      provisionedTrial: await activeRoleExists(trial),
    };

    for (const status of ['suspended', 'active', 'trial', 'active', 'cancelled', 'active']) {
      await setStatus(tenant, status);
      seen[`after ${status}`] = await activeRoleExists(tenant);
    }
    await admin.query('BEGIN');
    await setStatus(tenant, 'suspended');
    seen['inside an open suspension'] = await activeRoleExists(tenant);
    await admin.query('ROLLBACK');
    seen['after it rolled back'] = await activeRoleExists(tenant);
    await db.dataSource.transaction(async (m) => {
      await m.query(`UPDATE platform.tenants SET status = 'purged' WHERE id = $1`, [tenant.id]);
      await dropTenantStorage(m, tenant.id);
    });
    seen.purged = await activeRoleExists(tenant);

    expect(seen).toEqual({
      provisionedActive: true,
      provisionedTrial: false,
      'after suspended': false,
      'after active': true,
      'after trial': false,
      'after cancelled': false,
      'inside an open suspension': false,
      'after it rolled back': true,
      purged: false,
    });
  });

  it('refuses the very next unit after a suspension, a cancellation or a purge, though the last unit took the fast switch', async () => {
    const tenant = await createTenant(db.dataSource);
    await whoAmI(tenant);
    expect(await whoAmI(tenant)).toMatch(/_active$/);

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

    await setStatus(tenant, 'active');
    const resumed = [await whoAmI(tenant), await whoAmI(tenant)];
    await withTenant(db.dataSource, tenant.id, addCounter('after_resume'), 'write');

    await db.dataSource.transaction(async (m) => {
      await m.query(`UPDATE platform.tenants SET status = 'purged' WHERE id = $1`, [tenant.id]);
      await dropTenantStorage(m, tenant.id);
    });
    const purged = await failureOf(whoAmI(tenant));

    expect({ write, sneakyWrite, read, cancelledRead, resumed, purged }).toEqual({
      write: { code: 'TENANT_SUSPENDED', reason: undefined },
      sneakyWrite: { code: 'TENANT_SUSPENDED', reason: undefined },
      read: { role: `tenant_${hexOf(tenant)}_rw`, readOnly: 'on' },
      cancelledRead: { code: 'FORBIDDEN', reason: 'TENANT_CANCELLED' },
      resumed: [`tenant_${hexOf(tenant)}_rw`, `tenant_${hexOf(tenant)}_active`],
      purged: { code: 'NOT_FOUND', reason: undefined },
    });
  });

  it('cuts off a fast-switched unit whose tenant is suspended while it runs: its write is refused and nothing of it commits', async () => {
    const tenant = await createTenant(db.dataSource);
    await whoAmI(tenant);

    const outcome = await failureOf(
      withTenant(
        db.dataSource,
        tenant.id,
        async (m) => {
          await addCounter('before_suspension')(m);
          expect(((await m.query('SELECT current_user AS "role"')) as { role: string }[])[0]!.role).toMatch(/_active$/);
          await setStatus(tenant, 'suspended');
          await addCounter('after_suspension')(m);
        },
        'write',
      ),
    );

    expect(outcome.code).toBe('TENANT_SUSPENDED');
    expect(await counters(tenant)).not.toEqual(expect.arrayContaining(['before_suspension']));
    expect(await counters(tenant)).not.toEqual(expect.arrayContaining(['after_suspension']));
  });

  it('falls back to reading the status when an active tenant has lost its _active role, and does not retry on every unit', async () => {
    const tenant = await createTenant(db.dataSource);
    await whoAmI(tenant);
    await admin.query(`DROP ROLE ${quoteIdent(tenantActiveRoleName(tenant.id))}`);

    const roles = [await whoAmI(tenant), await whoAmI(tenant), await whoAmI(tenant)];
    await withTenant(db.dataSource, tenant.id, addCounter('without_active_role'), 'write');

    expect(roles).toEqual([`tenant_${hexOf(tenant)}_rw`, `tenant_${hexOf(tenant)}_rw`, `tenant_${hexOf(tenant)}_rw`]);
    expect(await counters(tenant)).toContain('without_active_role');
    // The next status change puts the role back.
    await setStatus(tenant, 'suspended');
    await setStatus(tenant, 'active');
    expect(await activeRoleExists(tenant)).toBe(true);
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

    expect(seen).toEqual({ role: `tenant_${hexOf(a)}_active`, tenants: [a.id] });
    expect(foreign.code).toBe('42501');
    expect(foreignRegistry).toEqual([]);
  });
});
