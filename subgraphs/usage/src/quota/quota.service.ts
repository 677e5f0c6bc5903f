import type { EntityManager } from 'typeorm';
import { principalId, type Principal } from '@tenantry/auth';
import { quotaRefusals } from '@tenantry/metrics';
import type { RequestDatabase } from '@tenantry/tenancy';
import { periodWindow, type Clock } from './period';
import { resourceLimits, type ResourceLimit } from './plan-limits';
import { QuotaDomainError, QuotaErrorCode, type QuotaRefusal } from './quota.errors';
import type { UsageAlert, UsageAlertBus } from './usage-alert.bus';

const MAX_AMOUNT = 1_000_000_000;

export interface Actor {
  principal: Principal;
  requestId: string;
}

export interface QuotaStatus extends ResourceLimit {
  used: number;
  /** null when unlimited. */
  remaining: number | null;
  periodStart: Date;
  resetsAt: Date | null;
}

export interface QuotaDependencies {
  clock: Clock;
  /** Fractions of the limit (e.g. 0.8, 0.95) whose crossing raises an alert once per period. */
  thresholds: number[];
  alerts: UsageAlertBus;
}

type Outcome = { granted: true; status: QuotaStatus; alerts: UsageAlert[] } | { granted: false; refusal: QuotaRefusal };

/**
 * Quotas with PostgreSQL as the source of truth. A consume is ONE conditional upsert: the row
 * lock taken by ON CONFLICT DO UPDATE re-checks the limit against the latest committed value,
 * so N concurrent consumers of a limit L are granted exactly min(N, L) units.
 */
export class QuotaService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly deps: QuotaDependencies,
  ) {}

  async statuses(resources?: string[]): Promise<QuotaStatus[]> {
    const now = this.deps.clock.now();
    return this.db.tenant(async (manager) => {
      const limits = await resourceLimits(manager, resources);
      return Promise.all(limits.map((limit) => this.statusOf(manager, limit, now)));
    });
  }

  /** Whether `amount` more would be granted now (advisory: only consume decides). */
  async check(resource: string, amount: number): Promise<QuotaStatus & { allowed: boolean }> {
    validateAmount(amount);
    const [status] = await this.statuses([resource]);
    return { ...status!, allowed: status!.remaining === null || amount <= status!.remaining };
  }

  async consume(resource: string, amount: number, actor: Actor, description?: string): Promise<QuotaStatus> {
    validateAmount(amount);
    if (description !== undefined && description.length > 500) {
      throw new QuotaDomainError(QuotaErrorCode.INVALID_AMOUNT, 'Description must be at most 500 characters');
    }
    const now = this.deps.clock.now();
    const outcome = await this.db.tenant(async (manager): Promise<Outcome> => {
      const [limit] = await resourceLimits(manager, [resource]);
      const window = periodWindow(limit!.period, now);
      const granted: { used: string }[] = await manager.query(
        `INSERT INTO usage_counters (resource, period_start, used, updated_at)
         SELECT $1, $2, $3, $5 WHERE $4::bigint IS NULL OR $3 <= $4::bigint
         ON CONFLICT (resource, period_start) DO UPDATE
           SET used = usage_counters.used + EXCLUDED.used, updated_at = EXCLUDED.updated_at
           WHERE $4::bigint IS NULL OR usage_counters.used + EXCLUDED.used <= $4::bigint
         RETURNING used`,
        [resource, window.start, amount, limit!.limit, now],
      );
      await this.recordEvent(manager, resource, amount, granted.length > 0, actor, now, description);
      if (granted.length === 0) {
        const used = await this.usedIn(manager, resource, window.start);
        return { granted: false, refusal: { resource, limit: limit!.limit ?? 0, used, requested: amount, resetsAt: window.resetsAt } };
      }
      const used = Number(granted[0]!.used);
      const alerts = await this.raiseCrossedThresholds(manager, limit!, window.start, used - amount, used, now);
      return { granted: true, status: toStatus(limit!, used, window), alerts };
    });
    // Announced only once committed; a refusal is recorded (above), then reported.
    if (!outcome.granted) {
      const r = outcome.refusal;
      quotaRefusals.inc({ resource: r.resource });
      throw new QuotaDomainError(
        QuotaErrorCode.QUOTA_EXCEEDED,
        `Quota exceeded for ${r.resource}: limit ${r.limit}, used ${r.used}, requested ${r.requested}`,
        r,
      );
    }
    this.deps.alerts.publish(outcome.alerts);
    return outcome.status;
  }

  /** Gives back units of an absolute resource (a deleted project, freed storage); never below zero. */
  async release(resource: string, amount: number): Promise<QuotaStatus> {
    validateAmount(amount);
    const now = this.deps.clock.now();
    return this.db.tenant(async (manager) => {
      const [limit] = await resourceLimits(manager, [resource]);
      if (limit!.period !== 'absolute') {
        throw new QuotaDomainError(
          QuotaErrorCode.UNKNOWN_RESOURCE,
          `${resource} is metered per ${limit!.period}; only absolute resources can be released`,
        );
      }
      const window = periodWindow(limit!.period, now);
      await manager.query(
        `UPDATE usage_counters SET used = greatest(used - $3, 0), updated_at = $4 WHERE resource = $1 AND period_start = $2`,
        [resource, window.start, amount, now],
      );
      return this.statusOf(manager, limit!, now);
    });
  }

  private async statusOf(manager: EntityManager, limit: ResourceLimit, now: Date): Promise<QuotaStatus> {
    const window = periodWindow(limit.period, now);
    return toStatus(limit, await this.usedIn(manager, limit.resource, window.start), window);
  }

  private async usedIn(manager: EntityManager, resource: string, periodStart: Date): Promise<number> {
    const rows: { used: string }[] = await manager.query(`SELECT used FROM usage_counters WHERE resource = $1 AND period_start = $2`, [
      resource,
      periodStart,
    ]);
    return rows[0] ? Number(rows[0].used) : 0;
  }

  private async recordEvent(
    manager: EntityManager,
    resource: string,
    amount: number,
    granted: boolean,
    actor: Actor,
    now: Date,
    description?: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO usage_events (resource, amount, outcome, actor_type, actor_id, description, request_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        resource,
        amount,
        granted ? 'granted' : 'refused',
        actor.principal.kind,
        principalId(actor.principal) ?? null,
        description ?? null,
        actor.requestId,
        now,
      ],
    );
  }

  private async raiseCrossedThresholds(
    manager: EntityManager,
    limit: ResourceLimit,
    periodStart: Date,
    before: number,
    after: number,
    now: Date,
  ): Promise<UsageAlert[]> {
    if (limit.limit === null || limit.limit === 0) return [];
    const crossed = this.deps.thresholds.filter((t) => before < t * limit.limit! && after >= t * limit.limit!);
    const raised: UsageAlert[] = [];
    for (const threshold of crossed) {
      const rows: unknown[] = await manager.query(
        `INSERT INTO usage_alerts (resource, period_start, threshold, used, quota, raised_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING threshold`,
        [limit.resource, periodStart, threshold, after, limit.limit, now],
      );
      if (rows.length > 0) {
        raised.push({
          tenantId: this.db.tenantId!,
          resource: limit.resource,
          periodStart,
          threshold,
          used: after,
          limit: limit.limit,
          raisedAt: now,
        });
      }
    }
    return raised;
  }
}

function validateAmount(amount: number): void {
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new QuotaDomainError(QuotaErrorCode.INVALID_AMOUNT, `Amount must be a whole number from 1 to ${MAX_AMOUNT}`);
  }
}

function toStatus(limit: ResourceLimit, used: number, window: { start: Date; resetsAt: Date | null }): QuotaStatus {
  return {
    ...limit,
    used,
    remaining: limit.limit === null ? null : Math.max(0, limit.limit - used),
    periodStart: window.start,
    resetsAt: window.resetsAt,
  };
}
