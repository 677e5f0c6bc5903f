import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RequestDatabase } from '@tenantry/tenancy';
import { MfaDomainError, MfaErrorCode } from './mfa.errors';
import type { SecretBox } from './secret-box';
import { base32Encode, matchTotp, otpauthUri } from './totp';

const RECOVERY_CODES = 10;

function hashRecoveryCode(code: string): Buffer {
  return createHash('sha256').update(code.replace(/-/g, '').toLowerCase()).digest();
}

/** Ten single-use recovery codes like `k3f9-x2mq-7hta`, 60 random bits each. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(8)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .padEnd(12, '0')
      .slice(0, 12);
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
  });
}

/** TOTP second factor with recovery codes. Seeds are sealed to their user; codes work once. */
export class MfaService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly box: SecretBox,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  /** Starts (or restarts) enrolment: a new seed, not yet required at sign-in. */
  async enroll(userId: string, email: string): Promise<{ secret: string; otpauthUri: string }> {
    const seed = randomBytes(20);
    await this.db.platform(async (m) => {
      const [current]: { enabled: boolean }[] = await m.query(
        `SELECT enabled_at IS NOT NULL AS enabled FROM platform.user_mfa WHERE user_id = $1 FOR UPDATE`,
        [userId],
      );
      if (current?.enabled) throw new MfaDomainError(MfaErrorCode.ALREADY_ENABLED);
      await m.query(
        `INSERT INTO platform.user_mfa (user_id, secret_sealed) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, last_used_step = NULL, created_at = now()`,
        [userId, this.box.seal(seed, userId)],
      );
    });
    const secret = base32Encode(seed);
    return { secret, otpauthUri: otpauthUri(secret, email) };
  }

  /** Turns MFA on with a first valid code; returns the recovery codes, shown this once. */
  async confirm(userId: string, code: string): Promise<string[]> {
    return this.db.platform(async (m) => {
      const row = await this.lock(m, userId);
      if (!row || row.enabled) throw new MfaDomainError(row ? MfaErrorCode.ALREADY_ENABLED : MfaErrorCode.NOT_ENROLLING);
      if (!(await this.consumeTotp(m, userId, row, code))) throw new MfaDomainError(MfaErrorCode.WRONG_CODE);
      await m.query(`UPDATE platform.user_mfa SET enabled_at = now() WHERE user_id = $1`, [userId]);
      const codes = newRecoveryCodes();
      await m.query(`DELETE FROM platform.mfa_recovery_codes WHERE user_id = $1`, [userId]);
      for (const recovery of codes) {
        await m.query(`INSERT INTO platform.mfa_recovery_codes (code_hash, user_id) VALUES ($1, $2)`, [hashRecoveryCode(recovery), userId]);
      }
      return codes;
    });
  }

  /** Turns MFA off; needs a current code (TOTP or recovery). */
  async disable(userId: string, code: string): Promise<void> {
    const ok = await this.db.platform(async (m) => {
      const row = await this.lock(m, userId);
      if (!row?.enabled) return false;
      if (!(await this.consume(m, userId, row, code))) return false;
      await m.query(`DELETE FROM platform.user_mfa WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM platform.mfa_recovery_codes WHERE user_id = $1`, [userId]);
      return true;
    });
    if (!ok) throw new MfaDomainError(MfaErrorCode.WRONG_CODE);
  }

  /**
   * At sign-in, after the password: undefined when the account has no MFA or the code is good
   * (and now spent); otherwise why not.
   */
  async check(userId: string, code: string | undefined): Promise<MfaErrorCode | undefined> {
    return this.db.platform(async (m) => {
      const row = await this.lock(m, userId);
      if (!row?.enabled) return undefined;
      if (!code) return MfaErrorCode.MFA_REQUIRED;
      return (await this.consume(m, userId, row, code)) ? undefined : MfaErrorCode.MFA_INVALID;
    });
  }

  private async lock(m: EntityManager, userId: string) {
    const [row]: { sealed: string; enabled: boolean; lastStep: string | null }[] = await m.query(
      `SELECT secret_sealed AS sealed, enabled_at IS NOT NULL AS enabled, last_used_step AS "lastStep"
         FROM platform.user_mfa WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    return row;
  }

  private async consume(m: EntityManager, userId: string, row: { sealed: string; lastStep: string | null }, code: string) {
    if (await this.consumeTotp(m, userId, row, code)) return true;
    const spent: unknown[] = await m.query(
      `WITH spent AS (
         UPDATE platform.mfa_recovery_codes SET used_at = now() WHERE code_hash = $1 AND user_id = $2 AND used_at IS NULL RETURNING 1)
       SELECT * FROM spent`,
      [hashRecoveryCode(code), userId],
    );
    return spent.length > 0;
  }

  /** A TOTP code is good once: its step must be later than the last step used. */
  private async consumeTotp(m: EntityManager, userId: string, row: { sealed: string; lastStep: string | null }, code: string) {
    const step = matchTotp(this.box.open(row.sealed, userId), code.trim(), this.now());
    if (step === undefined || (row.lastStep !== null && step <= Number(row.lastStep))) return false;
    await m.query(`UPDATE platform.user_mfa SET last_used_step = $2 WHERE user_id = $1`, [userId, step]);
    return true;
  }
}
