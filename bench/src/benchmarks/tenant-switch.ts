import { randomUUID } from 'node:crypto';
import { inTransaction, provisionTenant, withTenant } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import { ms, type Benchmark } from '../report';
import { summarise, timed } from '../stats';

const READ = 'SELECT resource, used FROM usage_counters ORDER BY resource LIMIT 10';

/**
 * The same read through withTenant (transaction, search_path, tenant id, role), alternating
 * over many tenants, against the same read on a single-schema table: plain (autocommit) and
 * in a plain transaction. The three are interleaved so they share the machine's noise.
 */
export const tenantSwitchBenchmark: Benchmark = {
  name: 'tenant-switch',
  title: 'The tenant switch',
  run: async ({ serverUrl, quick, log }) => {
    const tenants = quick ? 20 : 1000;
    const rounds = quick ? 500 : 5000;
    const db = await createTestDatabase({ serverUrl, poolSize: 4 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < tenants; i++) {
        const id = randomUUID();
        await provisionTenant(db.dataSource, { id, slug: `switch-${i}`, name: `Switch ${i}` });
        ids.push(id);
        if ((i + 1) % 200 === 0) log(`tenant-switch: provisioned ${i + 1}/${tenants}`);
      }
      await db.dataSource.query(`CREATE TABLE public.usage_counters AS SELECT * FROM "tenant_${ids[0]!.replace(/-/g, '')}".usage_counters`);
      for (const id of ids) {
        await withTenant(db.dataSource, id, (m) =>
          m.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ('api_calls', now(), 1)`),
        );
      }
      await db.dataSource.query(`INSERT INTO public.usage_counters (resource, period_start, used) VALUES ('api_calls', now(), 1)`);

      const switched: number[] = [];
      const plain: number[] = [];
      const plainTx: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const id = ids[i % ids.length]!;
        switched.push((await timed(() => withTenant(db.dataSource, id, (m) => m.query(READ))))[0]);
        plain.push((await timed(() => db.dataSource.query(READ.replace('usage_counters', 'public.usage_counters'))))[0]);
        plainTx.push(
          (await timed(() => inTransaction(db.dataSource, (r) => r.query(READ.replace('usage_counters', 'public.usage_counters')))))[0],
        );
      }
      const s = summarise(switched);
      const p = summarise(plain);
      const t = summarise(plainTx);
      const overVsTx = s.p50 / t.p50 - 1;
      return {
        name: 'tenant-switch',
        title: 'The tenant switch',
        figures: [
          { label: `withTenant read p50 (${tenants} tenants, ${rounds} reads, pool 4)`, value: ms(s.p50) },
          { label: 'withTenant read p99', value: ms(s.p99) },
          { label: 'baseline: same read in a plain transaction, p50', value: ms(t.p50) },
          { label: 'baseline: same read, autocommit, p50', value: ms(p.p50) },
          { label: 'overhead p50 vs plain transaction', value: `${(overVsTx * 100).toFixed(0)}%`, target: '<= 10%', met: overVsTx <= 0.1 },
          { label: 'ratio p50 vs autocommit', value: `${(s.p50 / p.p50).toFixed(2)}x` },
        ],
        notes: [],
      };
    } finally {
      await db.drop();
    }
  },
};
