import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { generateSigningJwk } from '@tenantry/auth';
import { tenantMigrations } from '@tenantry/migrations';
import { migrateTenants, provisionTenant, tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { AuditSigningService, verifyChain } from '../src';

describe('upgrading a tenant created before the hash chain', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps earlier events outside the chain, starts the chain after them, and verifies what follows', async () => {
    const id = randomUUID();
    const before = tenantMigrations.filter((m) => m.id < '0400');
    await provisionTenant(db.dataSource, { id, slug: `legacy-${id.slice(0, 8)}`, name: 'Legacy' }, { migrations: before });
    const schema = `"${tenantSchemaName(id)}"`;
    // What the writer did before 0400: identity numbers (a rolled-back insert burns one, as here) and now().
    await db.dataSource.query(
      `INSERT INTO ${schema}.audit_events (id, action, actor_type, resource_type, resource_id)
       VALUES ($1, 'tenant.renamed', 'system', 'tenant', 'a'), ($2, 'tenant.renamed', 'system', 'tenant', 'b')`,
      [randomUUID(), randomUUID()],
    );
    await db.dataSource.query(`SELECT nextval(pg_get_serial_sequence('${schema}.audit_events', 'seq'))`);

    const report = await migrateTenants(db.dataSource, { tenantIds: [id] });
    expect(report.failed).toEqual([]);

    const actor = { kind: 'user' as const, userId: randomUUID(), role: 'owner' as const };
    for (let i = 0; i < 3; i++) {
      await withTenant(db.dataSource, id, (m) =>
        appendAuditEvent(m, { action: 'tenant.renamed', actor, resourceType: 'tenant', resourceId: id }),
      );
    }
    const rows = await db.dataSource.query(
      `SELECT seq::int AS seq, hash IS NOT NULL AS chained FROM ${schema}.audit_events e ORDER BY e.seq`,
    );
    expect(rows).toEqual([
      { seq: 1, chained: false },
      { seq: 2, chained: false },
      { seq: 3, chained: true },
      { seq: 4, chained: true },
      { seq: 5, chained: true },
    ]);
    const signing = await AuditSigningService.fromPrivateJwk(JSON.stringify((await generateSigningJwk()).privateJwk));
    const result = await withTenant(db.dataSource, id, (m) => verifyChain(m, id, signing, {}));
    expect(result).toMatchObject({ ok: true, from: 3n, to: 5n, checkedEvents: 3 });
  });
});
