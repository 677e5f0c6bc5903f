import { createHash, randomUUID } from 'node:crypto';
import { RequestDatabase } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import { ApiClientService } from '@tenantry/subgraph-tenant';
import { ms, type Benchmark, type Figure } from '../report';
import { summarise, timed } from '../stats';

const actor = { principal: { kind: 'user' as const, userId: randomUUID(), platformRole: 'platform_admin' as const }, requestId: 'bench' };

function manifest(count: number, salt: string) {
  const operations = Array.from({ length: count }, (_, i) => {
    const body = `query Op${i}_${salt} { currentTenant { id slug name } members(first: ${(i % 50) + 1}) { role user { email } } }`;
    return { id: createHash('sha256').update(body).digest('hex'), name: `Op${i}_${salt}`, type: 'query', body };
  });
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

async function sample(times: number, work: () => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) durations.push((await timed(work))[0]);
  return durations;
}

/**
 * The persisted-query registry (ADR 0016): publishing a large manifest in one transaction,
 * and what each gateway replica's poll costs — the revision check behind a 304, and the full
 * snapshot it downloads after a change.
 */
export const persistedQueriesBenchmark: Benchmark = {
  name: 'persisted-queries',
  title: 'Persisted-query registry',
  run: async ({ serverUrl, quick, log }) => {
    const count = quick ? 500 : 10_000;
    const db = await createTestDatabase({ serverUrl, poolSize: 2 });
    try {
      const service = new ApiClientService(new RequestDatabase(db.dataSource, undefined));
      // Other clients around it, so the snapshot is not of one client only.
      for (let c = 0; c < 4; c++) await service.publish({ client: `other-${c}`, manifest: manifest(50, `o${c}`) }, actor);
      log(`publishing ${count} operations`);
      const [firstPublish] = await timed(() => service.publish({ client: 'big', manifest: manifest(count, 'b') }, actor));
      const [republish] = await timed(() => service.publish({ client: 'big', manifest: manifest(count, 'b') }, actor));
      const revision = summarise(await sample(quick ? 50 : 500, () => service.revision()));
      const snapshots = await sample(quick ? 5 : 30, () => service.snapshot());
      const snapshot = summarise(snapshots);
      const bytes = Buffer.byteLength(JSON.stringify(await service.snapshot()));
      const figures: Figure[] = [
        { label: `publish a manifest of ${count} operations (validate, hash, one transaction, audit)`, value: ms(firstPublish) },
        { label: 'publish the same manifest again (all unchanged)', value: ms(republish) },
        { label: 'registry revision check per poll (what a 304 costs), p50 / p99', value: `${ms(revision.p50)} / ${ms(revision.p99)}` },
        {
          label: `full snapshot after a change (${count + 200} operations, ${(bytes / 1024).toFixed(0)} KiB), p50 / p99`,
          value: `${ms(snapshot.p50)} / ${ms(snapshot.p99)}`,
        },
      ];
      return {
        name: 'persisted-queries',
        title: 'Persisted-query registry',
        figures,
        notes: [
          'Each gateway replica polls every PQ_REFRESH_SECONDS (default 10): one revision check when nothing changed, the snapshot when something did.',
          'Measured through ApiClientService on the database directly; HTTP to the tenant subgraph adds a local round trip.',
        ],
      };
    } finally {
      await db.drop();
    }
  },
};
