import type { RequestDatabase } from '@tenantry/tenancy';
import { BadUserInputError } from '@tenantry/errors';
import { periodWindow, type Clock } from '../quota/period';
import { HONEST_USED_SQL } from '../quota/lease-ledger';
import { resourceLimits } from '../quota/plan-limits';
import { ceilTo, floorTo, rolledUntil, type RollupGranularity } from './usage-rollup';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MAX_BUCKETS = 2000;
const BUCKET_MS = { hour: 3_600_000, day: 86_400_000, month: 31 * 86_400_000 } as const;

export type Bucket = keyof typeof BUCKET_MS;

export interface HealthReport {
  status: 'healthy' | 'warning' | 'critical';
  reasons: string[];
}

export class UsageReportService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly clock: Clock,
  ) {}

  /** Granted and refused units per UTC bucket: roll-ups for closed buckets, raw events for the rest. */
  async history(resource: string, bucket: Bucket, from: Date, to: Date) {
    if (!(from < to)) throw new BadUserInputError('from must be before to', { field: 'from' });
    if ((to.getTime() - from.getTime()) / BUCKET_MS[bucket] > MAX_BUCKETS) {
      throw new BadUserInputError(`At most ${MAX_BUCKETS} buckets per request`, { field: 'bucket', max: MAX_BUCKETS });
    }
    const source: RollupGranularity = bucket === 'hour' ? 'hour' : 'day';
    const rows: { start: Date; granted: string; refused: string }[] = await this.db.tenant(async (m) => {
      // Whole source buckets inside [from, to) that are rolled up come from usage_rollups; the
      // rest (the open bucket, partial edges) from the raw events. Same answer either way.
      const mark = await rolledUntil(m, source);
      const lo = ceilTo(from, source);
      const hi = mark ? new Date(Math.min(floorTo(to, source).getTime(), mark.getTime())) : lo;
      const [rolledFrom, rolledTo] = lo < hi ? [lo, hi] : [from, from];
      return m.query(
        `SELECT start, sum(granted) AS granted, sum(refused) AS refused FROM (
           SELECT date_trunc($2, bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, granted, refused
             FROM usage_rollups
            WHERE granularity = $5 AND resource = $1 AND bucket_start >= $6 AND bucket_start < $7
           UNION ALL
           SELECT date_trunc($2, occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                  coalesce(sum(amount) FILTER (WHERE outcome = 'granted'), 0),
                  coalesce(sum(amount) FILTER (WHERE outcome = 'refused'), 0)
             FROM usage_events
            WHERE resource = $1 AND occurred_at >= $3 AND occurred_at < $4 AND NOT (occurred_at >= $6 AND occurred_at < $7)
            GROUP BY 1) AS b
         GROUP BY start ORDER BY start`,
        [resource, bucket, from, to, source, rolledFrom, rolledTo],
      );
    });
    return rows.map((r) => ({ start: r.start, granted: Number(r.granted), refused: Number(r.refused) }));
  }

  /**
   * The bill for a month: plan price plus overage per resource, computed from stored usage
   * (monthly resources from that month's granted events, absolute ones from their counter).
   */
  async billing(month: string) {
    const match = MONTH.exec(month);
    if (!match) throw new BadUserInputError('month must be YYYY-MM', { field: 'month' });
    const start = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
    return this.db.tenant(async (m) => {
      const [plan] = (await m.query(
        `SELECT p.code, p.price_cents AS "priceCents", p.overage_cents AS "overageCents"
           FROM platform.tenants t JOIN platform.plans p ON p.code = t.plan WHERE t.id = platform.current_tenant_id()`,
      )) as { code: string; priceCents: number; overageCents: Record<string, number> }[];
      const limits = (await resourceLimits(m)).filter((l) => l.period === 'month' || l.period === 'absolute');
      const lines = [];
      for (const limit of limits) {
        const rows: { used: string }[] =
          limit.period === 'month'
            ? await m.query(
                `SELECT coalesce(sum(amount), 0) AS used FROM usage_events
                 WHERE resource = $1 AND outcome = 'granted' AND occurred_at >= $2 AND occurred_at < $3`,
                [limit.resource, start, end],
              )
            : await m.query(`SELECT coalesce(max(used), 0) AS used FROM usage_counters WHERE resource = $1`, [limit.resource]);
        const used = Number(rows[0]!.used);
        const included = limit.limit;
        const overageUnits = included === null ? 0 : Math.max(0, used - included);
        const unitCents = plan!.overageCents[limit.resource] ?? 0;
        lines.push({
          resource: limit.resource,
          included,
          used,
          overageUnits,
          overageUnitCents: unitCents,
          overageCents: round2(overageUnits * unitCents),
        });
      }
      const totalCents = round2(plan!.priceCents + lines.reduce((sum, l) => sum + l.overageCents, 0));
      return { month, plan: plan!.code, planPriceCents: plan!.priceCents, lines, totalCents };
    });
  }

  /** healthy / warning / critical from utilisation and the last hour's refusals, with the reasons. */
  async health(): Promise<HealthReport> {
    const now = this.clock.now();
    const hourAgo = new Date(now.getTime() - 3_600_000);
    return this.db.tenant(async (m) => {
      const limits = await resourceLimits(m);
      const reasons: { level: 'warning' | 'critical'; text: string }[] = [];
      for (const limit of limits) {
        if (limit.limit === null || limit.limit === 0) continue;
        const window = periodWindow(limit.period, now);
        const rows: { used: string }[] = await m.query(HONEST_USED_SQL, [limit.resource, window.start]);
        const utilisation = Number(rows[0]?.used ?? 0) / limit.limit;
        if (utilisation >= 0.95) reasons.push({ level: 'critical', text: `${limit.resource} at ${pct(utilisation)} of its limit` });
        else if (utilisation >= 0.8) reasons.push({ level: 'warning', text: `${limit.resource} at ${pct(utilisation)} of its limit` });
      }
      const [recent] = (await m.query(
        `SELECT count(*) FILTER (WHERE outcome = 'refused')::int AS refused, count(*)::int AS total
         FROM usage_events WHERE occurred_at >= $1`,
        [hourAgo],
      )) as { refused: number; total: number }[];
      if (recent && recent.refused > 0) {
        const rate = recent.refused / recent.total;
        reasons.push({
          level: rate >= 0.2 ? 'critical' : 'warning',
          text: `${recent.refused} of ${recent.total} consumption requests refused in the last hour (${pct(rate)})`,
        });
      }
      const status = reasons.some((r) => r.level === 'critical') ? 'critical' : reasons.length ? 'warning' : 'healthy';
      return { status, reasons: reasons.map((r) => r.text) };
    });
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (n: number) => `${Math.round(n * 100)}%`;
