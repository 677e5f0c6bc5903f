import { ErrorCode, TenantryError } from '@tenantry/errors';
import type { PlanCatalog } from '@tenantry/plans';
import { rateLimitRefusals } from '@tenantry/metrics';
import type { TokenBuckets } from './token-bucket';

export interface RateLimitSettings {
  /** Requests per hour for callers without a tenant (keyed by IP). */
  anonymousPerHour: number;
  /** The burst a bucket allows, as seconds' worth of the hourly rate (at least one request). */
  burstSeconds: number;
}

export interface RateSubject {
  tenantId?: string;
  plan?: string;
  ip: string;
}

/**
 * Per-tenant API rate limit from the plan's `api_calls_rate` (per hour) as a token bucket;
 * callers without a tenant share a budget per IP. A refusal is RATE_LIMITED with HTTP 429 and
 * Retry-After, before anything executes.
 */
export class RateLimiter {
  constructor(
    private readonly buckets: TokenBuckets,
    private readonly catalog: PlanCatalog,
    private readonly settings: RateLimitSettings,
  ) {}

  async enforce(subject: RateSubject): Promise<void> {
    const perHour = this.perHour(subject);
    if (perHour === null) return;
    const key = subject.tenantId ? `tenant:${subject.tenantId}` : `ip:${subject.ip}`;
    const decision = await this.buckets.take(key, {
      refillPerSecond: perHour / 3600,
      capacity: Math.max(1, (perHour * this.settings.burstSeconds) / 3600),
    });
    if (decision.allowed) return;
    rateLimitRefusals.inc({ scope: subject.tenantId ? 'tenant' : 'ip' });
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new TenantryError(
      ErrorCode.RATE_LIMITED,
      `Rate limit of ${perHour} requests per hour exceeded; retry in ${retryAfterSeconds} s`,
      {
        limitPerHour: perHour,
        retryAfterSeconds,
        http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
      },
    );
  }

  /** null: unlimited. A tenant whose token names no known plan gets the most restrictive plan's rate. */
  private perHour(subject: RateSubject): number | null {
    if (!subject.tenantId) return this.settings.anonymousPerHour;
    const plan = this.catalog.plans.find((p) => p.code === subject.plan);
    if (plan) return plan.quotas.api_calls_rate ?? null;
    const rates = this.catalog.plans.map((p) => p.quotas.api_calls_rate).filter((r): r is number => typeof r === 'number');
    return rates.length ? Math.min(...rates) : this.settings.anonymousPerHour;
  }
}
