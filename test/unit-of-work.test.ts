import { randomUUID } from 'node:crypto';
import { provisionTenant, statementCounts, withPlatform, withTenant, withTenantAsPlatform } from '@tenantry/tenancy';
import { createTenant, createTestDatabase, type TestDatabase, type TestTenant } from '@tenantry/testing';

/**
 * withTenant opens its transaction in the same round trip as the tenant switch (ADR 0026), so it
 * sets TypeORM's transaction state itself. These prove TypeORM sees the transaction as open: its
 * own transaction helpers join it (a savepoint), never commit it early.
 */
describe('the unit of work opens its transaction with the switch', () => {
  let db: TestDatabase;
  let tenant: TestTenant;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 1 });
    tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const resources = () =>
    withTenant(db.dataSource, tenant.id, async (m) =>
      ((await m.query(`SELECT resource FROM usage_counters ORDER BY resource`)) as { resource: string }[]).map((r) => r.resource),
    );

  it("joins an entity manager's own transaction to it, so a later failure rolls everything back", async () => {
    const before = await resources();

    await expect(
      withTenant(
        db.dataSource,
        tenant.id,
        async (m) => {
          expect(m.queryRunner?.isTransactionActive).toBe(true);
          await m.transaction(async (inner) => {
            await inner.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ('uow_inner', now(), 1)`);
          });
          throw new Error('work failed after the inner transaction');
        },
        'write',
      ),
    ).rejects.toThrow('work failed after the inner transaction');

    expect(await resources()).toEqual(before);
  });

  it('commits the work when it succeeds, and the connection comes back outside any transaction', async () => {
    await withTenant(
      db.dataSource,
      tenant.id,
      (m) => m.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ('uow_committed', now(), 1)`),
      'write',
    );

    expect(await resources()).toContain('uow_committed');
    const [state] = (await db.dataSource.query(
      `SELECT now() = statement_timestamp() AS "autocommit", current_setting('transaction_read_only') AS "readOnly"`,
    )) as { autocommit: boolean; readOnly: string }[];
    expect(state).toEqual({ autocommit: true, readOnly: 'off' });
  });

  it('runs the switch as the login role before the role changes, and every setting is transaction-local', async () => {
    const fresh = await createTenant(db.dataSource, { plan: 'enterprise' });
    const [inside] = (await withTenant(db.dataSource, fresh.id, (m) =>
      m.query(
        `SELECT current_user AS "role", current_schemas(false)::text[] AS "searchPath", current_setting('tenantry.tenant_id') AS "tenantId",
                current_setting('transaction_read_only') AS "readOnly"`,
      ),
    )) as { role: string; searchPath: string[]; tenantId: string; readOnly: string }[];
    const hex = fresh.id.replace(/-/g, '');

    expect(inside).toEqual({ role: `tenant_${hex}_rw`, searchPath: [`tenant_${hex}`, 'platform'], tenantId: fresh.id, readOnly: 'off' });
  });

  it('sends the opening and the switch as one statement to the driver (one round trip)', async () => {
    const name = (db.dataSource.options as { applicationName?: string }).applicationName ?? 'tenantry';
    const before = statementCounts()[name] ?? 0;

    await withTenant(db.dataSource, tenant.id, (m) => m.query('SELECT 1'));

    // START TRANSACTION + switch, the work's one statement, COMMIT.
    expect((statementCounts()[name] ?? 0) - before).toBe(3);
  });

  it('finds the prepared status lookup gone (a pooler swapped the connection) and prepares it again, in the same unit', async () => {
    // A trial tenant's status depends on the clock, so every one of its units reads it (ADR 0029).
    const trial = { id: randomUUID(), slug: `uow-trial-${Date.now()}` };
    await provisionTenant(db.dataSource, { ...trial, name: 'Trial', status: 'trial', trialEndsAt: new Date(Date.now() + 86_400_000) });
    await withTenant(db.dataSource, trial.id, (m) => m.query('SELECT 1'));
    const prepared = async () =>
      (
        (await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'tenantry_%'`)) as { n: number }[]
      )[0]!.n;
    expect(await prepared()).toBe(1);

    await db.dataSource.query('DEALLOCATE ALL');
    const [row] = (await withTenant(db.dataSource, trial.id, (m) => m.query(`SELECT current_user AS "role"`))) as { role: string }[];

    expect(row!.role).toBe(`tenant_${trial.id.replace(/-/g, '')}_gated`);
    expect(await prepared()).toBe(1);
  });

  it('reads the status as platform.tenant_access_status does, for every status and an expired trial', async () => {
    const other = await createTenant(db.dataSource, { plan: 'enterprise' });
    const changes = [
      `status = 'active', trial_ends_at = NULL`,
      `status = 'trial', trial_ends_at = now() + interval '1 day'`,
      `status = 'trial', trial_ends_at = now() - interval '1 second'`,
      `status = 'suspended'`,
      `status = 'cancelled'`,
    ];
    for (const change of changes) {
      await db.dataSource.query(`UPDATE platform.tenants SET ${change} WHERE id = $1`, [other.id]);
      const [expected] = (await db.dataSource.query(`SELECT platform.tenant_access_status($1) AS status`, [other.id])) as {
        status: string;
      }[];
      const seen = await withTenant(
        db.dataSource,
        other.id,
        async (m) =>
          ((await m.query(`SELECT current_setting('transaction_read_only') AS "readOnly"`)) as { readOnly: string }[])[0]!.readOnly,
        'export',
      );
      expect({ change, readOnly: seen }).toEqual({ change, readOnly: ['trial', 'active'].includes(expected!.status) ? 'off' : 'on' });
    }
  });

  it('opens platform units the same way, each with its own search_path', async () => {
    const [platform] = (await withPlatform(db.dataSource, (m) => m.query(`SELECT current_setting('search_path') AS "searchPath"`))) as {
      searchPath: string;
    }[];
    const [asPlatform] = (await withTenantAsPlatform(db.dataSource, tenant.id, (m) =>
      m.query(`SELECT current_schemas(false)::text[] AS "searchPath", current_setting('tenantry.tenant_id') AS "tenantId"`),
    )) as { searchPath: string[]; tenantId: string }[];

    expect(platform!.searchPath).toBe('platform');
    expect(asPlatform).toEqual({ searchPath: [`tenant_${tenant.id.replace(/-/g, '')}`, 'platform'], tenantId: tenant.id });
    await expect(
      withPlatform(db.dataSource, async (m) => {
        await m.transaction((inner) => inner.query(`UPDATE platform.tenants SET name = 'Changed' WHERE id = $1`, [tenant.id]));
        throw new Error('platform work failed');
      }),
    ).rejects.toThrow('platform work failed');
    const [row] = (await db.dataSource.query(`SELECT name FROM platform.tenants WHERE id = $1`, [tenant.id])) as { name: string }[];
    expect(row!.name).not.toBe('Changed');
  });
});
