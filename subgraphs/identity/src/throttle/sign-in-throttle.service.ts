import { createHash } from 'node:crypto';
import type { RequestDatabase } from '@tenantry/tenancy';

export interface ThrottleSettings {
  /** Failures allowed per account (email) within the window before backoff starts. */
  maxFailuresPerAccount: number;
  /** Failures allowed per client address within the window before backoff starts. */
  maxFailuresPerIp: number;
  /** First lockout; doubles with every further failure, up to maxLockSeconds. */
  baseLockSeconds: number;
  maxLockSeconds: number;
  /** Failures older than this are forgotten. */
  windowSeconds: number;
}

/** Seconds locked after `failures` failures when `allowed` are free: 0, then base, 2×base, 4×base … capped. */
export function lockSeconds(
  failures: number,
  allowed: number,
  settings: Pick<ThrottleSettings, 'baseLockSeconds' | 'maxLockSeconds'>,
): number {
  if (failures < allowed) return 0;
  const doublings = Math.min(failures - allowed, 20);
  return Math.min(settings.baseLockSeconds * 2 ** doublings, settings.maxLockSeconds);
}

export function accountKey(normalisedEmail: string): string {
  return `account:${createHash('sha256').update(normalisedEmail).digest('hex')}`;
}

export function ipKey(ip: string): string {
  return `ip:${ip}`;
}

/**
 * Brute-force protection for sign-in: exponential backoff per account and per client address.
 * Counting happens in its own short transaction, so a failed sign-in cannot roll it back.
 */
export class SignInThrottle {
  constructor(
    private readonly db: RequestDatabase,
    private readonly settings: ThrottleSettings,
  ) {}

  /** Seconds until the first of these keys may try again, or 0. */
  async retryAfter(keys: string[]): Promise<number> {
    const rows: { seconds: number }[] = await this.db.platform((m) =>
      m.query(
        `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS seconds
           FROM platform.sign_in_throttle WHERE key = ANY($1) AND locked_until > now()`,
        [keys],
      ),
    );
    return Math.max(rows[0]?.seconds ?? 0, 0);
  }

  async recordFailure(account: string, ip: string | undefined): Promise<void> {
    await this.db.platform(async (m) => {
      await this.bump(m, account, this.settings.maxFailuresPerAccount);
      if (ip) await this.bump(m, ip, this.settings.maxFailuresPerIp);
    });
  }

  /** A success clears the account's count; an address's count only decays (one success hides no spraying). */
  async recordSuccess(account: string): Promise<void> {
    await this.db.platform((m) => m.query(`DELETE FROM platform.sign_in_throttle WHERE key = $1`, [account]));
  }

  private async bump(m: import('typeorm').EntityManager, key: string, allowed: number): Promise<void> {
    const [row]: { failures: number }[] = await m.query(
      `INSERT INTO platform.sign_in_throttle AS t (key, failures) VALUES ($1, 1)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.first_failure_at < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
         first_failure_at = CASE WHEN t.first_failure_at < now() - make_interval(secs => $2) THEN now() ELSE t.first_failure_at END
       RETURNING failures`,
      [key, this.settings.windowSeconds],
    );
    const seconds = lockSeconds(row!.failures, allowed, this.settings);
    if (seconds > 0) {
      await m.query(`UPDATE platform.sign_in_throttle SET locked_until = now() + make_interval(secs => $2) WHERE key = $1`, [key, seconds]);
    }
  }
}
