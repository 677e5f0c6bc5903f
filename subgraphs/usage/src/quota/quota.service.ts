import type { EntityManager } from 'typeorm';
import { principalId, type Principal } from '@tenantry/auth';
import { quotaRefusals } from '@tenantry/metrics';
import type { RequestDatabase } from '@tenantry/tenancy';
import type { PlanCatalog, ResourcePeriod } from '@tenantry/plans';
import { grantLease, HONEST_USED_SQL, lockCounter, recordLeasedGrants, settleOpenLeases } from './lease-ledger';
import { LeasedGrantBatcher, type PendingGrant } from './leased-grant.batcher';
import { periodWindow, type Clock, type PeriodWindow } from './period';
import { resourceLimits, type ResourceLimit } from './plan-limits';
import type { LeaseTake, RedisLeases } from './redis-lease';
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
  /** The Redis fast path (REDIS_URL set); without it every consume is one PostgreSQL upsert. */
  leasing?: QuotaLeasing;
}

export interface QuotaLeasing {
  redis: RedisLeases;
  /** Units PostgreSQL hands to Redis at a time (at most this much is parked per counter). */
  units: number;
  /** How long a lease lives; its unused units go back to the counter when it is settled. */
  ttlMs: number;
  /**
   * Resource -> period (the same for every tenant): seeded from the plan catalog, corrected from
   * the database whenever a consume goes there. A wrong entry only misses the lease (the key
   * names the period), never grants anything.
   */
  periods: Map<string, ResourcePeriod>;
  /** Per counter key: the consume of this process now getting a new lease from PostgreSQL. */
  acquiring: Map<string, Promise<Outcome>>;
  /** Writes this process's leased grants, several per transaction under load. */
  recorder: LeasedGrantBatcher<Outcome>;
}

/** How many new leases a consume waits for before it goes to PostgreSQL itself. */
const MAX_LEASE_WAITS = 8;

/** The leasing dependencies of one process (one per usage-subgraph replica). */
export function createQuotaLeasing(redis: RedisLeases, catalog: PlanCatalog, options: { units: number; ttlMs: number }): QuotaLeasing {
  return { redis, ...options, periods: catalogPeriods(catalog), acquiring: new Map(), recorder: new LeasedGrantBatcher<Outcome>() };
}

export function catalogPeriods(catalog: PlanCatalog): Map<string, ResourcePeriod> {
  return new Map(Object.entries(catalog.resources).map(([code, r]) => [code, r.period]));
}

interface NewLease {
  key: string;
  leaseId: string;
  granted: number;
  limit: number | null;
}

export type Outcome =
  { granted: true; status: QuotaStatus; alerts: UsageAlert[]; lease?: NewLease } | { granted: false; refusal: QuotaRefusal };

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
    const leasing = this.deps.leasing;
    const period = leasing?.periods.get(resource);
    const window = period && period !== 'absolute' && leasing && amount <= leasing.units ? periodWindow(period, now) : undefined;
    const key = window && leasing!.redis.key(this.db.tenantId!, resource, window.start);
    for (let round = 0; key && round <= MAX_LEASE_WAITS; round++) {
      const fast = await this.consumeFromLease(key, resource, period!, window, amount, actor, now, description);
      if (fast) return this.announce(fast);
      // Another consume in this process is already getting a new lease: wait for it rather than
      // queue on the counter's row lock behind it (which would settle its lease unused).
      const pending = leasing!.acquiring.get(key);
      if (!pending) break;
      const verdict = await pending.catch(() => undefined);
      // PostgreSQL refused at least this much while this consume was waiting, with no lease open:
      // refusing it with the same figures is a true answer at that moment (usage of a metered
      // period only grows), and spares the counter's row lock a queue of refusals.
      if (verdict && !verdict.granted && verdict.refusal.requested <= amount) {
        await this.db.tenant((manager) => this.recordEvent(manager, resource, amount, false, actor, now, description));
        return this.announce({ granted: false, refusal: { ...verdict.refusal, requested: amount } });
      }
    }
    const acquired = this.db.tenant((manager) => this.consumeInDatabase(manager, resource, amount, actor, now, description));
    const settled = acquired.then(async (outcome) => {
      if (outcome.granted && outcome.lease) await this.installLease(outcome.lease);
      return outcome;
    });
    if (key) {
      leasing!.acquiring.set(key, settled);
      void settled
        .finally(() => {
          if (leasing!.acquiring.get(key) === settled) leasing!.acquiring.delete(key);
        })
        .catch(() => undefined);
    }
    return this.announce(await settled);
  }

  /** Throws the refusal, or publishes the alerts of a committed grant and returns its status. */
  private announce(outcome: Outcome): QuotaStatus {
    // Announced only once committed; a refusal is recorded, then reported.
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

  /**
   * The fast path: Redis hands out units of the counter's open lease and one short transaction
   * records the grant under it. Null when there is no usable lease (none, used up, settled, a
   * stale Redis, Redis away): the caller then asks PostgreSQL, which decides for good.
   */
  private async consumeFromLease(
    key: string,
    resource: string,
    period: ResourcePeriod,
    window: PeriodWindow,
    amount: number,
    actor: Actor,
    now: Date,
    description?: string,
  ): Promise<Outcome | null> {
    const leasing = this.deps.leasing!;
    const take = await leasing.redis.take(key, amount).catch(() => null);
    if (!take) return null;
    const outcome = await leasing.recorder.record(
      this.db.tenantId!,
      (work) => this.db.tenant(work),
      this.leasedGrant(take, resource, period, window, amount, actor, now, description),
    );
    // A lease PostgreSQL no longer honours (settled, or a stale Redis) is forgotten, so the next
    // consumer goes straight to PostgreSQL for a new one.
    if (!outcome) await leasing.redis.drop(key, take.leaseId).catch(() => undefined);
    return outcome;
  }

  /** A grant of units Redis handed out, and what its outcome is once recorded. */
  private leasedGrant(
    take: LeaseTake,
    resource: string,
    period: ResourcePeriod,
    window: PeriodWindow,
    amount: number,
    actor: Actor,
    now: Date,
    description?: string,
  ): PendingGrant<Outcome> {
    const limit: ResourceLimit = { resource, period, limit: take.limit };
    return {
      grant: {
        leaseId: take.leaseId,
        offset: take.offset,
        amount,
        resource,
        periodStart: window.start,
        actorType: actor.principal.kind,
        actorId: principalId(actor.principal) ?? null,
        description: description ?? null,
        requestId: actor.requestId,
        occurredAt: now,
      },
      onRecorded: async (manager, counter) => {
        // The counter holds the whole lease; what is left of it is not used yet.
        const used = counter - take.remaining;
        const alerts = await this.raiseCrossedThresholds(manager, limit, window.start, used - amount, used, now);
        return { granted: true, status: toStatus(limit, used, window), alerts };
      },
    };
  }

  /**
   * PostgreSQL decides: one conditional upsert of the counter. With leasing, the counter is
   * locked first and its open lease settled (unused units back), so a refusal here means the
   * committed grants really leave no room; a grant also takes a new lease for Redis.
   */
  private async consumeInDatabase(
    manager: EntityManager,
    resource: string,
    amount: number,
    actor: Actor,
    now: Date,
    description?: string,
  ): Promise<Outcome> {
    const [limit] = await resourceLimits(manager, [resource]);
    const window = periodWindow(limit!.period, now);
    const leasing = this.deps.leasing && limit!.period !== 'absolute' ? this.deps.leasing : undefined;
    if (leasing) {
      leasing.periods.set(resource, limit!.period);
      await lockCounter(manager, resource, window.start, now);
      // The consume that held the lock before may have just left a fresh lease: use it rather
      // than settle it unused (with the lock held, nobody can settle it under us).
      if (amount <= leasing.units) {
        const key = leasing.redis.key(this.db.tenantId!, resource, window.start);
        const take = await leasing.redis.take(key, amount).catch(() => null);
        if (take) {
          const pending = this.leasedGrant(take, resource, limit!.period, window, amount, actor, now, description);
          // A stale unit (exclusion violation) must not abort the transaction: try it in a savepoint.
          await manager.query('SAVEPOINT leased_grant');
          const counter = await recordLeasedGrants(manager, [pending.grant]).then(
            async ([c]) => (await manager.query('RELEASE SAVEPOINT leased_grant'), c),
            async () => (await manager.query('ROLLBACK TO SAVEPOINT leased_grant'), null),
          );
          if (counter !== null && counter !== undefined) return pending.onRecorded(manager, counter);
          await leasing.redis.drop(key, take.leaseId).catch(() => undefined);
        }
      }
      await settleOpenLeases(manager, resource, window.start, now);
    }
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
    const outcome: Outcome = { granted: true, status: toStatus(limit!, used, window), alerts };
    const leaseUnits = leasing ? Math.min(leasing.units, limit!.limit === null ? leasing.units : limit!.limit - used) : 0;
    if (leasing && leaseUnits > 0) {
      const expiresAt = new Date(now.getTime() + leasing.ttlMs);
      const leaseId = await grantLease(manager, resource, window.start, leaseUnits, now, expiresAt);
      outcome.lease = {
        key: leasing.redis.key(this.db.tenantId!, resource, window.start),
        leaseId,
        granted: leaseUnits,
        limit: limit!.limit,
      };
    }
    return outcome;
  }

  /** Hands a committed lease to Redis; if that fails the lease just expires and is settled. */
  private async installLease(lease: NewLease): Promise<void> {
    await this.deps
      .leasing!.redis.install(lease.key, {
        leaseId: lease.leaseId,
        granted: lease.granted,
        limit: lease.limit,
        expiresInMs: this.deps.leasing!.ttlMs,
      })
      .catch(() => undefined);
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
    const rows: { used: string }[] = await manager.query(HONEST_USED_SQL, [resource, periodStart]);
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

function toStatus(limit: ResourceLimit, used: number, window: PeriodWindow): QuotaStatus {
  return {
    ...limit,
    used,
    remaining: limit.limit === null ? null : Math.max(0, limit.limit - used),
    periodStart: window.start,
    resetsAt: window.resetsAt,
  };
}
