import type { EntityManager } from 'typeorm';

export type RollupGranularity = 'hour' | 'day';

const GRANULARITY_MS: Record<RollupGranularity, number> = { hour: 3_600_000, day: 86_400_000 };
/** At most this much event time is rolled up per granularity in one pass; the next pass resumes. */
const MAX_SPAN_PER_PASS_MS = 7 * 86_400_000;

/** UTC bucket boundaries (hours and days are whole multiples of the epoch in UTC). */
export const floorTo = (at: Date, g: RollupGranularity) => new Date(Math.floor(at.getTime() / GRANULARITY_MS[g]) * GRANULARITY_MS[g]);
export const ceilTo = (at: Date, g: RollupGranularity) => new Date(Math.ceil(at.getTime() / GRANULARITY_MS[g]) * GRANULARITY_MS[g]);

export interface RollupPass {
  granularity: RollupGranularity;
  from: Date;
  to: Date;
  buckets: number;
}

/**
 * Rolls this tenant's usage events of closed buckets (ending at least `graceMs` before `now`,
 * so transactions still in flight at a boundary are in) into usage_rollups, from the
 * granularity's watermark on. The buckets and the new watermark are written in the caller's
 * transaction, so a pass is all or nothing: rerunning is harmless (each bucket is recomputed
 * whole from its events) and an interrupted run resumes from the watermark.
 */
export async function rollUpUsage(manager: EntityManager, now: Date, graceMs: number): Promise<RollupPass[]> {
  const passes: RollupPass[] = [];
  for (const granularity of ['hour', 'day'] as const) {
    const closedUntil = floorTo(new Date(now.getTime() - graceMs), granularity);
    const [first] = (await manager.query(`SELECT min(occurred_at) AS at FROM usage_events`)) as { at: Date | null }[];
    const initial = first?.at ? floorTo(first.at, granularity) : closedUntil;
    await manager.query(`INSERT INTO usage_rollup_watermarks (granularity, rolled_until) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      granularity,
      initial,
    ]);
    // The row lock keeps two replicas' jobs from rolling the same tenant at once.
    const [mark] = (await manager.query(
      `SELECT rolled_until AS "rolledUntil" FROM usage_rollup_watermarks WHERE granularity = $1 FOR UPDATE`,
      [granularity],
    )) as { rolledUntil: Date }[];
    const from = mark!.rolledUntil;
    const to = new Date(Math.min(closedUntil.getTime(), from.getTime() + MAX_SPAN_PER_PASS_MS));
    if (!(from < to)) continue;
    const rows: unknown[] = await manager.query(
      `INSERT INTO usage_rollups (granularity, resource, bucket_start, granted, refused)
       SELECT $1, resource, date_trunc($1, occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
              coalesce(sum(amount) FILTER (WHERE outcome = 'granted'), 0),
              coalesce(sum(amount) FILTER (WHERE outcome = 'refused'), 0)
         FROM usage_events WHERE occurred_at >= $2 AND occurred_at < $3
        GROUP BY 2, 3
       ON CONFLICT (granularity, resource, bucket_start) DO UPDATE SET granted = EXCLUDED.granted, refused = EXCLUDED.refused
       RETURNING 1`,
      [granularity, from, to],
    );
    await manager.query(`UPDATE usage_rollup_watermarks SET rolled_until = $2 WHERE granularity = $1`, [granularity, to]);
    passes.push({ granularity, from, to, buckets: rows.length });
  }
  return passes;
}

/** Where roll-ups end for a granularity (null: never rolled up). */
export async function rolledUntil(manager: EntityManager, granularity: RollupGranularity): Promise<Date | null> {
  const rows: { rolledUntil: Date }[] = await manager.query(
    `SELECT rolled_until AS "rolledUntil" FROM usage_rollup_watermarks WHERE granularity = $1`,
    [granularity],
  );
  return rows[0]?.rolledUntil ?? null;
}
