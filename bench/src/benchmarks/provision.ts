import { randomUUID } from 'node:crypto';
import { tenantMigrations } from '@tenantry/migrations';
import { inTransaction, provisionTenant, quoteIdent, TENANT_GROUP_ROLE } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import { ms, type Benchmark } from '../report';
import { summarise, timed } from '../stats';

/**
 * Tenants created one after another, each fully provisioned (registry row, role, schema, all
 * tenant tables) in one transaction; baseline: the same tables in a bare schema, no registry
 * row or role, in the same run, interleaved.
 */
export const provisionBenchmark: Benchmark = {
  name: 'provision',
  title: 'Provisioning a tenant',
  run: async ({ serverUrl, quick, log }) => {
    const n = quick ? 10 : 200;
    const db = await createTestDatabase({ serverUrl, poolSize: 2 });
    try {
      const full: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < n; i++) {
        const id = randomUUID();
        const [t] = await timed(() => provisionTenant(db.dataSource, { id, slug: `bench-${i}`, name: `Bench ${i}` }));
        full.push(t);
        const schema = quoteIdent(`bare_${id.replace(/-/g, '')}`);
        const [b] = await timed(() =>
          inTransaction(db.dataSource, async (runner) => {
            await runner.query(`CREATE SCHEMA ${schema}`);
            await runner.query(`SELECT set_config('search_path', $1, true)`, [schema]);
            for (const m of tenantMigrations) await runner.query(m.up({ schema, role: quoteIdent(TENANT_GROUP_ROLE) }));
          }),
        );
        bare.push(b);
        if ((i + 1) % 50 === 0) log(`provision: ${i + 1}/${n}`);
      }
      const f = summarise(full);
      const b = summarise(bare);
      return {
        name: 'provision',
        title: 'Provisioning a tenant',
        figures: [
          { label: `p50 per tenant (n=${n})`, value: ms(f.p50), target: '<= 100 ms', met: f.p50 <= 100 },
          { label: 'p99 per tenant', value: ms(f.p99), target: '<= 250 ms', met: f.p99 <= 250 },
          { label: 'baseline p50: same tables in a bare schema', value: ms(b.p50) },
          { label: 'ratio p50 (full / bare)', value: `${(f.p50 / b.p50).toFixed(2)}x` },
        ],
        notes: ['Atomic: one transaction per tenant (registry row, CREATE ROLE, schema, every tenant migration).'],
      };
    } finally {
      await db.drop();
    }
  },
};
