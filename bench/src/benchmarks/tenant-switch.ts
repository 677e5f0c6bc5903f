import { randomUUID } from 'node:crypto';
import { inTransaction, provisionTenant, quoteIdent, tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import { ms, type Benchmark } from '../report';
import { summarise, timed } from '../stats';

const READ = 'SELECT resource, used FROM usage_counters ORDER BY resource LIMIT 10';

/**
 * The same read through withTenant (transaction, search_path, tenant id, role), alternating
 * over many tenants, against the same read on a single-schema table in a plain transaction and
 * in autocommit. Two more series in the same rounds say what the overhead is made of: the read
 * in a plain transaction on the tenant's own table by its qualified name (every tenant's table,
 * no switch: what touching a different tenant each time costs by itself), and withTenant for
 * trial tenants, which read their status in every unit (ADR 0026) where active tenants switch
 * to their role's _rw name without reading it (ADR 0029). All series are interleaved so they share
 * the machine's noise, and every tenant is as cold in each series (touched once per rotation).
 */
export const tenantSwitchBenchmark: Benchmark = {
  name: 'tenant-switch',
  title: 'The tenant switch',
  run: async ({ serverUrl, quick, log }) => {
    const tenants = quick ? 20 : 1000;
    const rounds = quick ? 500 : 5000;
    const db = await createTestDatabase({ serverUrl, poolSize: 4 });
    try {
      const provision = async (prefix: string, trial: boolean) => {
        const ids: string[] = [];
        for (let i = 0; i < tenants; i++) {
          const id = randomUUID();
          await provisionTenant(db.dataSource, {
            id,
            slug: `${prefix}-${i}`,
            name: `Switch ${i}`,
            ...(trial ? { status: 'trial' as const, trialEndsAt: new Date(Date.now() + 30 * 86_400_000) } : {}),
          });
          ids.push(id);
          if ((i + 1) % 200 === 0) log(`tenant-switch: provisioned ${i + 1}/${tenants} ${prefix} tenants`);
        }
        return ids;
      };
      const active = await provision('switch', false);
      const trial = await provision('trial', true);
      await db.dataSource.query(
        `CREATE TABLE public.usage_counters AS SELECT * FROM ${quoteIdent(tenantSchemaName(active[0]!))}.usage_counters`,
      );
      // One write unit per tenant: every table has a row, and every active tenant's last unit saw it active.
      for (const id of [...active, ...trial]) {
        await withTenant(db.dataSource, id, (m) =>
          m.query(`INSERT INTO usage_counters (resource, period_start, used) VALUES ('api_calls', now(), 1)`),
        );
      }
      await db.dataSource.query(`INSERT INTO public.usage_counters (resource, period_start, used) VALUES ('api_calls', now(), 1)`);
      const publicRead = READ.replace('usage_counters', 'public.usage_counters');

      const switched: number[] = [];
      const statusRead: number[] = [];
      const plain: number[] = [];
      const plainTx: number[] = [];
      const ownTable: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const id = active[i % tenants]!;
        switched.push((await timed(() => withTenant(db.dataSource, id, (m) => m.query(READ))))[0]);
        plain.push((await timed(() => db.dataSource.query(publicRead)))[0]);
        plainTx.push((await timed(() => inTransaction(db.dataSource, (r) => r.query(publicRead))))[0]);
        const own = READ.replace('usage_counters', `${quoteIdent(tenantSchemaName(active[(i + tenants / 2) % tenants]!))}.usage_counters`);
        ownTable.push((await timed(() => inTransaction(db.dataSource, (r) => r.query(own))))[0]);
        statusRead.push((await timed(() => withTenant(db.dataSource, trial[i % tenants]!, (m) => m.query(READ))))[0]);
      }
      const s = summarise(switched);
      const r = summarise(statusRead);
      const p = summarise(plain);
      const t = summarise(plainTx);
      const o = summarise(ownTable);
      const overVsTx = s.p50 / t.p50 - 1;
      const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
      return {
        name: 'tenant-switch',
        title: 'The tenant switch',
        figures: [
          { label: `withTenant read p50, active tenants (${tenants} tenants, ${rounds} reads, pool 4)`, value: ms(s.p50) },
          { label: 'withTenant read p99, active tenants', value: ms(s.p99) },
          { label: 'baseline: same read in a plain transaction, one table, p50', value: ms(t.p50) },
          { label: 'baseline: same read, autocommit, one table, p50', value: ms(p.p50) },
          { label: "same read in a plain transaction on each tenant's own table (no switch), p50", value: ms(o.p50) },
          { label: `withTenant read p50, trial tenants (status read in every unit, ${tenants} more tenants)`, value: ms(r.p50) },
          { label: 'overhead p50 vs plain transaction', value: pct(overVsTx), target: '<= 10%', met: overVsTx <= 0.1 },
          { label: "part: reading a different tenant's table (own table vs one table)", value: pct(o.p50 / t.p50 - 1) },
          { label: 'part: the switch itself (withTenant vs own table)', value: pct(s.p50 / o.p50 - 1) },
          { label: 'trial tenants (status read) vs plain transaction', value: pct(r.p50 / t.p50 - 1) },
          { label: 'ratio p50 vs autocommit', value: `${(s.p50 / p.p50).toFixed(2)}x` },
        ],
        notes: [],
      };
    } finally {
      await db.drop();
    }
  },
};
