import { randomUUID } from 'node:crypto';
import { appendAuditEvent, chainHash, type ChainedEventContent } from '@tenantry/audit-writer';
import { generateSigningJwk, type Principal } from '@tenantry/auth';
import { AuditSigningService, CHAIN_ROW_COLUMNS, verifyChain } from '@tenantry/subgraph-audit';
import { provisionTenant, quoteIdent, tenantRoleName, tenantSchemaName, withTenant } from '@tenantry/tenancy';
import { createTestDatabase } from '@tenantry/testing';
import type { DataSource } from 'typeorm';
import type { Benchmark } from '../report';
import { timed } from '../stats';

const actor: Principal = { kind: 'user', userId: randomUUID(), role: 'admin' };
const changes = { name: { from: 'Acme Ltd', to: 'Acme Limited' }, size: { from: 10, to: 12.5 } };

/** `total` events from `writers` concurrent writers, one transaction per event; events/second. */
async function appendRate(writers: number, total: number, append: () => Promise<unknown>): Promise<number> {
  let left = total;
  const [elapsed] = await timed(() =>
    Promise.all(
      Array.from({ length: writers }, async () => {
        while (left-- > 0) await append();
      }),
    ),
  );
  return total / (elapsed / 1000);
}

/**
 * Writes `n` chained events straight into a tenant's table, computing the chain exactly as
 * the writer does, with the audit triggers off for speed (a fixture, not a measured path),
 * then sets the head and switches the triggers back on.
 */
async function bulkLoadChain(dataSource: DataSource, tenantId: string, n: number, log: (line: string) => void): Promise<void> {
  const schema = quoteIdent(tenantSchemaName(tenantId));
  const [head] = (await dataSource.query(`SELECT last_seq::text AS seq, last_hash FROM ${schema}.audit_chain_head`)) as {
    seq: string;
    last_hash: Buffer;
  }[];
  let previous = head!.last_hash;
  let seq = BigInt(head!.seq);
  const start = Date.now() - n;
  await dataSource.query(`ALTER TABLE ${schema}.audit_events DISABLE TRIGGER USER`);
  await dataSource.query(`ALTER TABLE ${schema}.audit_chain_head DISABLE TRIGGER USER`);
  try {
    const batch = 2_000;
    for (let done = 0; done < n; done += batch) {
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let i = 0; i < Math.min(batch, n - done); i++) {
        seq++;
        const content: ChainedEventContent = {
          tenantId,
          seq: seq.toString(),
          id: randomUUID(),
          action: 'widget.updated',
          actorType: 'user',
          actorId: actor.kind === 'user' ? actor.userId : null,
          resourceType: 'widget',
          resourceId: `widget-${seq % 1000n}`,
          changes,
          requestId: `req-${seq}`,
          occurredAt: new Date(start + Number(seq)).toISOString(),
        };
        const hash = chainHash(previous, content);
        const p = values.length;
        tuples.push(`(${Array.from({ length: 12 }, (_, k) => `$${p + k + 1}`).join(',')})`);
        values.push(
          content.seq,
          content.id,
          content.action,
          content.actorType,
          content.actorId,
          content.resourceType,
          content.resourceId,
          JSON.stringify(content.changes),
          content.requestId,
          content.occurredAt,
          previous,
          hash,
        );
        previous = hash;
      }
      await dataSource.query(
        `INSERT INTO ${schema}.audit_events
           (seq, id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id, occurred_at, prev_hash, hash)
         VALUES ${tuples.join(',')}`,
        values,
      );
      if ((done + batch) % 100_000 === 0) log(`audit: loaded ${done + batch}/${n}`);
    }
    await dataSource.query(`UPDATE ${schema}.audit_chain_head SET last_seq = $1, last_hash = $2, last_occurred_at = now()`, [
      seq.toString(),
      previous,
    ]);
  } finally {
    await dataSource.query(`ALTER TABLE ${schema}.audit_events ENABLE TRIGGER USER`);
    await dataSource.query(`ALTER TABLE ${schema}.audit_chain_head ENABLE TRIGGER USER`);
  }
}

/**
 * Appending to the hash chain (16 concurrent writers on one tenant, and one writer) against
 * plain inserts of the same rows into an unchained table in the same schema, in the same
 * run; then verifying N events against reading the same rows without hashing.
 */
export const auditBenchmark: Benchmark = {
  name: 'audit',
  title: 'The audit hash chain',
  run: async ({ serverUrl, quick, log }) => {
    const appends = quick ? 2000 : 20_000;
    const verifyN = quick ? 20_000 : 1_000_000;
    const writers = 16;
    const db = await createTestDatabase({ serverUrl, poolSize: writers + 2 });
    try {
      const signing = await AuditSigningService.fromPrivateJwk(JSON.stringify((await generateSigningJwk()).privateJwk));
      const tenantId = randomUUID();
      await provisionTenant(db.dataSource, { id: tenantId, slug: 'bench-audit', name: 'Bench audit' });
      const schema = quoteIdent(tenantSchemaName(tenantId));
      await db.dataSource.query(
        `CREATE TABLE ${schema}.audit_plain (LIKE ${schema}.audit_events INCLUDING DEFAULTS);
         ALTER TABLE ${schema}.audit_plain ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY, ADD PRIMARY KEY (seq);
         GRANT SELECT, INSERT ON ${schema}.audit_plain TO ${quoteIdent(tenantRoleName(tenantId))}`,
      );
      const chained = () =>
        withTenant(db.dataSource, tenantId, (m) =>
          appendAuditEvent(m, { action: 'widget.updated', actor, resourceType: 'widget', resourceId: 'w', changes }),
        );
      const plain = () =>
        withTenant(db.dataSource, tenantId, (m) =>
          m.query(
            `INSERT INTO audit_plain (id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id, occurred_at)
             VALUES ($1, 'widget.updated', 'user', $2, 'widget', 'w', $3, NULL, now())`,
            [randomUUID(), actor.kind === 'user' ? actor.userId : null, JSON.stringify(changes)],
          ),
        );
      // Interleaved halves so both share the machine's noise.
      const rates = { chained16: 0, plain16: 0, chained1: 0, plain1: 0 };
      for (let round = 0; round < 2; round++) {
        rates.chained16 += (await appendRate(writers, appends / 2, chained)) / 2;
        rates.plain16 += (await appendRate(writers, appends / 2, plain)) / 2;
        rates.chained1 += (await appendRate(1, appends / 8, chained)) / 2;
        rates.plain1 += (await appendRate(1, appends / 8, plain)) / 2;
      }
      log(`audit: appends measured; loading ${verifyN} events to verify`);

      await bulkLoadChain(db.dataSource, tenantId, verifyN, log);
      const total = Number(
        ((await db.dataSource.query(`SELECT count(*)::text AS n FROM ${schema}.audit_events`)) as { n: string }[])[0]!.n,
      );
      // Sets hint bits and the visibility map once, so neither measured pass pays for the bulk load.
      await db.dataSource.query(`VACUUM (ANALYZE) ${schema}.audit_events`);
      const readRows = () =>
        withTenant(db.dataSource, tenantId, async (m) => {
          let next = 1n;
          for (;;) {
            const rows = (await m.query(`SELECT ${CHAIN_ROW_COLUMNS} FROM audit_events e WHERE e.seq >= $1 ORDER BY e.seq LIMIT 5000`, [
              next.toString(),
            ])) as { seq: string }[];
            if (rows.length < 5000) return;
            next = BigInt(rows.at(-1)!.seq) + 1n;
          }
        });
      const [readBeforeMs] = await timed(readRows);
      const [verifyMs, verification] = await timed(() => withTenant(db.dataSource, tenantId, (m) => verifyChain(m, tenantId, signing, {})));
      if (!verification.ok || verification.checkedEvents !== total) {
        throw new Error(
          `audit benchmark: the chain did not verify (${JSON.stringify(verification.break)}, ${verification.checkedEvents}/${total})`,
        );
      }
      const [readAfterMs] = await timed(readRows);
      const readMs = (readBeforeMs + readAfterMs) / 2;
      const perSec = (v: number) => `${Math.round(v).toLocaleString('en')} events/s`;
      const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
      return {
        name: 'audit',
        title: 'The audit hash chain',
        figures: [
          { label: `chained appends, ${writers} concurrent writers, one tenant (${appends} events)`, value: perSec(rates.chained16) },
          { label: 'baseline: plain inserts, same writers, unchained table', value: perSec(rates.plain16) },
          { label: 'ratio chained / plain (16 writers)', value: `${(rates.chained16 / rates.plain16).toFixed(2)}x` },
          { label: 'chained appends, 1 writer', value: perSec(rates.chained1) },
          { label: 'baseline: plain inserts, 1 writer', value: perSec(rates.plain1) },
          { label: `verify ${total.toLocaleString('en')} events (read + re-hash + link checks)`, value: s(verifyMs) },
          { label: 'baseline: read the same rows without hashing (mean of one pass before, one after)', value: s(readMs) },
          { label: 'verification rate', value: perSec(total / (verifyMs / 1000)) },
        ],
        notes: [
          "Appends: one transaction per event through withTenant (tenant role), as subgraphs write them; the chain serialises a tenant's appends on its head row, plain inserts do not serialise.",
          `The ${verifyN.toLocaleString('en')} verified events are bulk-loaded with the chain computed exactly as the writer does (triggers off while loading: a fixture, not a measured path).`,
        ],
      };
    } finally {
      await db.drop();
    }
  },
};
