import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAuditEvent, emailPseudonym, type SecurityAuditRecorder } from '@tenantry/audit-writer';
import type { PlatformRole, TenantRole } from '@tenantry/auth';
import { ConflictError } from '@tenantry/errors';
import { isTenantId, pgCode, pgConstraint, provisionTenant, type RequestDatabase } from '@tenantry/tenancy';
import type { CredentialService } from '../credential/credential.service';
import type { Mailer } from '../mail/mailer';
import { MfaDomainError, MfaErrorCode } from '../mfa/mfa.errors';
import type { MfaService } from '../mfa/mfa.service';
import { addMembership } from '../membership/membership.service';
import type { PasswordHasher } from '../password/password.hasher';
import { passwordProblem, type PasswordProblem } from '../password/password-policy';
import { membershipRole, type SessionService } from '../session/session.service';
import type { AuthPayload } from '../session/session.type';
import { accountKey, ipKey, type SignInThrottle } from '../throttle/sign-in-throttle.service';
import { normaliseEmail } from '../user/user.service';
import { AccountDomainError, AccountErrorCode } from './account.errors';

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 320;

/** A normalised email, or INVALID_EMAIL. */
export function validEmail(input: string): string {
  const email = normaliseEmail(input);
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    throw new AccountDomainError(AccountErrorCode.INVALID_EMAIL, 'Enter a valid email address');
  }
  return email;
}

/** A trimmed display name, or INVALID_DISPLAY_NAME. */
export function validDisplayName(input: string): string {
  const displayName = input.trim();
  if (displayName.length < 1 || displayName.length > 200) {
    throw new AccountDomainError(AccountErrorCode.INVALID_DISPLAY_NAME, 'Display name must be 1 to 200 characters');
  }
  return displayName;
}

export function assertAcceptablePassword(policy: PasswordPolicy, password: string, email: string): void {
  const problem = passwordProblem(password, { ...policy, email });
  if (problem) throw new AccountDomainError(AccountErrorCode.WEAK_PASSWORD, PROBLEM_TEXT[problem](policy), problem);
}
const UNIQUE_VIOLATION = '23505';

export interface PasswordPolicy {
  minLength: number;
  common: ReadonlySet<string>;
}

export interface SignUpRequest {
  email: string;
  password: string;
  displayName: string;
  organisation?: { name: string; slug: string } | undefined;
}

const PROBLEM_TEXT: Record<PasswordProblem, (policy: PasswordPolicy) => string> = {
  TOO_SHORT: (p) => `Password must be at least ${p.minLength} characters`,
  TOO_LONG: () => 'Password is too long',
  COMMON: () => 'This password appears in lists of breached passwords; choose another',
  CONTAINS_EMAIL: () => 'Password must not contain your email address',
};

/** Who is asking, as the gateway saw it: audited with a failed sign-in. */
export interface RequestMeta {
  requestId: string;
  clientIp?: string | undefined;
  userAgent?: string | undefined;
}

type SignInFailure = 'invalid_credentials' | 'mfa_invalid' | 'throttled';

export class AccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly db: RequestDatabase,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly mailer: Mailer,
    private readonly sessions: SessionService,
    private readonly credentials: CredentialService,
    private readonly throttle: SignInThrottle,
    private readonly mfa: MfaService,
    private readonly securityAudit?: SecurityAuditRecorder,
  ) {}

  /**
   * Registers an account (and, if asked, an organisation it owns, in the same transaction as
   * the tenant's provisioning). An email that is already registered gets a mail instead and the
   * caller the same answer, so the response never tells whether an address has an account.
   */
  async signUp(input: SignUpRequest, requestId: string): Promise<void> {
    const email = validEmail(input.email);
    const displayName = validDisplayName(input.displayName);
    assertAcceptablePassword(this.policy, input.password, email);
    // Hash before looking the address up: both answers then cost the same argon2 work.
    const passwordHash = await this.hasher.hash(input.password);
    const known = await this.db.platform((m) => m.query(`SELECT 1 FROM platform.users WHERE email = $1`, [email]));
    if ((known as unknown[]).length > 0) return this.tellAccountExists(email);

    const userId = randomUUID();
    const createAccount = async (m: EntityManager) => {
      await m.query(`INSERT INTO platform.users (id, email, display_name) VALUES ($1, $2, $3)`, [userId, email, displayName]);
      await m.query(`INSERT INTO platform.user_credentials (user_id, password_hash) VALUES ($1, $2)`, [userId, passwordHash]);
      await this.credentials.sendVerification(m, { id: userId, email, displayName });
    };
    try {
      if (!input.organisation) {
        await this.db.platform(createAccount);
        return;
      }
      const tenantId = randomUUID();
      const { name, slug } = input.organisation;
      await provisionTenant(
        this.dataSource,
        { id: tenantId, slug, name: name.trim(), plan: 'free' },
        {
          beforeCommit: async (m) => {
            await createAccount(m);
            await addMembership(m, tenantId, userId, 'owner');
            const actor = { kind: 'user' as const, userId, role: 'owner' as const };
            await appendAuditEvent(m, {
              action: 'tenant.created',
              actor,
              resourceType: 'tenant',
              resourceId: tenantId,
              changes: { slug: { to: slug }, name: { to: name.trim() }, plan: { to: 'free' } },
              requestId,
            });
            await appendAuditEvent(m, {
              action: 'member.added',
              actor,
              resourceType: 'membership',
              resourceId: userId,
              changes: { role: { to: 'owner' } },
              requestId,
            });
          },
        },
      );
    } catch (error) {
      // Two sign-ups for one address at once: the loser is told by mail, like any other.
      if (pgCode(error) === UNIQUE_VIOLATION && pgConstraint(error) === 'users_email_key') return this.tellAccountExists(email);
      if (error instanceof ConflictError && error.extensions.field === 'slug') {
        throw new AccountDomainError(AccountErrorCode.SLUG_TAKEN, 'An organisation with this slug already exists');
      }
      throw error;
    }
  }

  /**
   * Checks the password and opens a session for `tenantId`, or for the oldest membership.
   * Unknown emails spend the same argon2 time as wrong passwords and get the same answer.
   */
  async signIn(
    input: { email: string; password: string; tenantId?: string | undefined; mfaCode?: string | undefined },
    meta: RequestMeta,
  ): Promise<AuthPayload> {
    const clientIp = meta.clientIp;
    const email = normaliseEmail(input.email);
    const account = accountKey(email);
    const ip = clientIp ? ipKey(clientIp) : undefined;
    // Checked before the password: while locked, even the right password is refused.
    const wait = await this.throttle.retryAfter(ip ? [account, ip] : [account]);
    if (wait > 0) {
      await this.auditFailure('throttled', email, undefined, input.tenantId, meta);
      throw new AccountDomainError(AccountErrorCode.TOO_MANY_ATTEMPTS, 'Too many failed sign-ins; try again later', undefined, wait);
    }
    const rows: { id: string; platformRole: PlatformRole | null; passwordHash: string | null }[] = await this.db.platform((m) =>
      m.query(
        `SELECT u.id, u.platform_role AS "platformRole", c.password_hash AS "passwordHash"
           FROM platform.users u LEFT JOIN platform.user_credentials c ON c.user_id = u.id
          WHERE u.email = $1`,
        [email],
      ),
    );
    const user = rows[0];
    const valid = user?.passwordHash
      ? await this.hasher.verify(user.passwordHash, input.password)
      : await this.hasher.verifyNothing(input.password);
    if (!user || !user.passwordHash || !valid) {
      await this.throttle.recordFailure(account, ip);
      await this.auditFailure('invalid_credentials', email, user?.id, input.tenantId, meta);
      throw new AccountDomainError(AccountErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
    }
    const secondFactor = await this.mfa.check(user.id, input.mfaCode);
    if (secondFactor) {
      // A wrong code is a failed attempt like a wrong password; asking for one is not.
      if (secondFactor === MfaErrorCode.MFA_INVALID) {
        await this.throttle.recordFailure(account, ip);
        await this.auditFailure('mfa_invalid', email, user.id, input.tenantId, meta);
      }
      throw new MfaDomainError(secondFactor);
    }
    await this.throttle.recordSuccess(account);
    const rehash = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(input.password) : undefined;
    return this.db.platform(async (m) => {
      const tenant = await this.chooseTenant(m, user.id, input.tenantId);
      if (rehash) {
        await m.query(`UPDATE platform.user_credentials SET password_hash = $2, updated_at = now() WHERE user_id = $1`, [user.id, rehash]);
      }
      return this.sessions.start(m, { id: user.id, platformRole: user.platformRole }, tenant);
    });
  }

  private async chooseTenant(
    m: EntityManager,
    userId: string,
    requested: string | undefined,
  ): Promise<{ id: string; role: TenantRole } | null> {
    if (requested !== undefined) {
      const role = isTenantId(requested) ? await membershipRole(m, requested, userId) : null;
      if (!role) throw new AccountDomainError(AccountErrorCode.NOT_A_MEMBER, 'You are not a member of that tenant');
      return { id: requested, role };
    }
    const rows: { id: string; role: TenantRole }[] = await m.query(
      `SELECT tenant_id AS id, role FROM platform.memberships WHERE user_id = $1 AND status = 'active' ORDER BY created_at, tenant_id LIMIT 1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /**
   * A failed sign-in, on the trail of the tenant asked for only when the address belongs to one
   * of its active members; otherwise on the platform's (staff only), so a tenant's admins never
   * learn about addresses that are not theirs. No password or code is recorded; the address
   * only as a pseudonym (ADR 0022). Never throws.
   */
  private async auditFailure(
    reason: SignInFailure,
    email: string,
    userId: string | undefined,
    requestedTenant: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    if (!this.securityAudit) return;
    let tenantId: string | undefined;
    try {
      if (userId && requestedTenant !== undefined && isTenantId(requestedTenant)) {
        const role = await this.db.platform((m) => membershipRole(m, requestedTenant, userId));
        if (role) tenantId = requestedTenant;
      }
    } catch {
      tenantId = undefined;
    }
    const pseudonym = emailPseudonym(email);
    await this.securityAudit.record({
      action: 'auth.sign_in_failed',
      actor: { kind: 'anonymous' },
      tenantId,
      // Keyed by the address's pseudonym, so the same address coalesces whether it exists or not.
      resourceType: 'sign_in',
      resourceId: pseudonym.emailHash,
      requestId: meta.requestId,
      clientIp: meta.clientIp,
      details: {
        reason,
        ...(tenantId ? { userId: userId! } : { ...pseudonym, knownAccount: userId !== undefined }),
        ip: meta.clientIp ?? null,
        userAgent: meta.userAgent ?? null,
      },
    });
  }

  private async tellAccountExists(email: string): Promise<void> {
    await this.db.platform((m) =>
      this.mailer.send(m, {
        to: email,
        template: 'account_exists',
        subject: 'Someone tried to sign up with your email',
        body: 'You already have a Tenantry account. Sign in instead, or reset your password if you forgot it.',
      }),
    );
  }
}
