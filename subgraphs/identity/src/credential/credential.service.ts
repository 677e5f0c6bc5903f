import type { EntityManager } from 'typeorm';
import type { RequestDatabase } from '@tenantry/tenancy';
import { assertAcceptablePassword, type PasswordPolicy } from '../account/account.service';
import type { Mailer } from '../mail/mailer';
import type { PasswordHasher } from '../password/password.hasher';
import { resetTokens, verificationTokens, type OpaqueTokenKind } from '../secret/opaque-token';
import { normaliseEmail } from '../user/user.service';
import { CredentialDomainError, CredentialErrorCode } from './credential.errors';

export interface CredentialSettings {
  verificationTtlSeconds: number;
  resetTtlSeconds: number;
}

type Purpose = 'verify_email' | 'reset_password';

/**
 * Email verification and password reset: single-use codes, mailed, stored as SHA-256 only,
 * expiring. Issuing a new code of a purpose voids the person's earlier ones.
 */
export class CredentialService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly mailer: Mailer,
    private readonly settings: CredentialSettings,
  ) {}

  /** Inside the caller's platform transaction (sign-up): a verification code for a new address. */
  async sendVerification(m: EntityManager, user: { id: string; email: string; displayName: string }): Promise<void> {
    const token = await this.issue(m, user.id, 'verify_email', verificationTokens, this.settings.verificationTtlSeconds);
    await this.mailer.send(m, {
      to: user.email,
      template: 'verify_email',
      subject: 'Welcome to Tenantry: confirm your email',
      body: `Hello ${user.displayName}, your account is ready. Confirm this address with the code: ${token}`,
    });
  }

  /** A fresh code for the signed-in person, unless the address is verified already. */
  async requestVerification(userId: string): Promise<void> {
    await this.db.platform(async (m) => {
      const [user]: { id: string; email: string; displayName: string; verified: boolean }[] = await m.query(
        `SELECT id, email, display_name AS "displayName", email_verified_at IS NOT NULL AS verified FROM platform.users WHERE id = $1`,
        [userId],
      );
      if (user && !user.verified) await this.sendVerification(m, user);
    });
  }

  async verifyEmail(token: string): Promise<void> {
    const hash = verificationTokens.hash(token);
    if (!hash) throw new CredentialDomainError(CredentialErrorCode.INVALID_CODE);
    const outcome = await this.db.platform(async (m) => {
      const spent = await this.spend(m, hash, 'verify_email');
      if (typeof spent === 'string') return spent;
      await m.query(`UPDATE platform.users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1`, [
        spent.userId,
      ]);
      return undefined;
    });
    if (outcome) throw new CredentialDomainError(outcome);
  }

  /** Mails a reset code if the address has an account; answers the same either way. */
  async requestPasswordReset(email: string): Promise<void> {
    await this.db.platform(async (m) => {
      const [user]: { id: string; email: string }[] = await m.query(`SELECT id, email FROM platform.users WHERE email = $1`, [
        normaliseEmail(email),
      ]);
      if (!user) return;
      const token = await this.issue(m, user.id, 'reset_password', resetTokens, this.settings.resetTtlSeconds);
      await this.mailer.send(m, {
        to: user.email,
        template: 'reset_password',
        subject: 'Reset your Tenantry password',
        body: `Someone asked to reset your password. If it was you, use this code: ${token}. If not, ignore this mail.`,
      });
    });
  }

  /**
   * Sets a new password with a reset code, and ends every session of the account: whoever
   * held the old password loses their refresh tokens. The code also proves the mailbox, so the
   * address counts as verified. A refused password leaves the code usable.
   */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const hash = resetTokens.hash(token);
    if (!hash) throw new CredentialDomainError(CredentialErrorCode.INVALID_CODE);
    const [holder]: { email: string }[] = await this.db.platform((m) =>
      m.query(
        `SELECT u.email FROM platform.user_tokens t JOIN platform.users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.purpose = 'reset_password'`,
        [hash],
      ),
    );
    if (!holder) throw new CredentialDomainError(CredentialErrorCode.INVALID_CODE);
    assertAcceptablePassword(this.policy, newPassword, holder.email);
    const passwordHash = await this.hasher.hash(newPassword);
    const outcome = await this.db.platform(async (m) => {
      const spent = await this.spend(m, hash, 'reset_password');
      if (typeof spent === 'string') return spent;
      await m.query(
        `INSERT INTO platform.user_credentials (user_id, password_hash) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
        [spent.userId, passwordHash],
      );
      await m.query(`DELETE FROM platform.user_tokens WHERE user_id = $1 AND purpose = 'reset_password'`, [spent.userId]);
      await m.query(
        `UPDATE platform.sessions SET revoked_at = now(), revoked_reason = 'revoked' WHERE user_id = $1 AND revoked_at IS NULL`,
        [spent.userId],
      );
      await m.query(`UPDATE platform.users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1`, [
        spent.userId,
      ]);
      return undefined;
    });
    if (outcome) throw new CredentialDomainError(outcome);
  }

  private async issue(m: EntityManager, userId: string, purpose: Purpose, kind: OpaqueTokenKind, ttlSeconds: number): Promise<string> {
    await m.query(`DELETE FROM platform.user_tokens WHERE user_id = $1 AND purpose = $2`, [userId, purpose]);
    const { token, hash } = kind.create();
    await m.query(
      `INSERT INTO platform.user_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [hash, userId, purpose, ttlSeconds],
    );
    return token;
  }

  /** Deletes the code (single use) and says whose it was; an expired one is deleted and refused. */
  private async spend(m: EntityManager, hash: Buffer, purpose: Purpose): Promise<{ userId: string } | CredentialErrorCode> {
    const [row]: { userId: string; live: boolean }[] = await m.query(
      `WITH spent AS (
         DELETE FROM platform.user_tokens WHERE token_hash = $1 AND purpose = $2 RETURNING user_id, expires_at)
       SELECT user_id AS "userId", expires_at > now() AS live FROM spent`,
      [hash, purpose],
    );
    if (!row) return CredentialErrorCode.INVALID_CODE;
    if (!row.live) return CredentialErrorCode.CODE_EXPIRED;
    return { userId: row.userId };
  }
}
