import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { BaseSubgraphContext } from '@tenantry/federation';
import { RequestDatabase } from '@tenantry/tenancy';
import { AccountService, type PasswordPolicy } from './account/account.service';
import { ApiKeyService } from './api-key/api-key.service';
import { CredentialService, type CredentialSettings } from './credential/credential.service';
import { InvitationService, type InvitationSettings } from './invitation/invitation.service';
import { MailboxService } from './mail/mail.service';
import type { Mailer } from './mail/mailer';
import { MembershipService } from './membership/membership.service';
import { MfaService } from './mfa/mfa.service';
import type { SecretBox } from './mfa/secret-box';
import type { PasswordHasher } from './password/password.hasher';
import { SessionService, type TokenSettings } from './session/session.service';
import { SignInThrottle, type ThrottleSettings } from './throttle/sign-in-throttle.service';
import type { UserEntity } from './user/user.entity';
import { createUserLoader } from './user/user.loader';
import { UserService } from './user/user.service';

/** Process-wide pieces every request's services share. */
export interface IdentityDependencies {
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  mailer: Mailer;
  tokens: TokenSettings;
  devMailboxEnabled: boolean;
  invitations: InvitationSettings;
  credentials: CredentialSettings;
  throttle: ThrottleSettings;
  secretBox: SecretBox;
}

export interface IdentityContext extends BaseSubgraphContext {
  users: UserService;
  memberships: MembershipService;
  accounts: AccountService;
  sessions: SessionService;
  mailbox: MailboxService;
  invitations: InvitationService;
  apiKeys: ApiKeyService;
  credentials: CredentialService;
  mfa: MfaService;
  userById: DataLoader<string, UserEntity | null>;
}

export function createIdentityContext(base: BaseSubgraphContext, dataSource: DataSource, deps: IdentityDependencies): IdentityContext {
  const db = new RequestDatabase(dataSource, base.tenantId);
  const sessions = new SessionService(db, deps.tokens, base.securityAudit);
  const mfa = new MfaService(db, deps.secretBox);
  const credentials = new CredentialService(db, deps.hasher, deps.passwordPolicy, deps.mailer, deps.credentials);
  return {
    ...base,
    // Read once per request, on demand, by the hasFeature rule.
    features: () => db.features(),
    users: new UserService(db),
    memberships: new MembershipService(db),
    sessions,
    accounts: new AccountService(
      dataSource,
      db,
      deps.hasher,
      deps.passwordPolicy,
      deps.mailer,
      sessions,
      credentials,
      new SignInThrottle(db, deps.throttle),
      mfa,
      base.securityAudit,
    ),
    credentials,
    mfa,
    mailbox: new MailboxService(db, deps.devMailboxEnabled),
    invitations: new InvitationService(dataSource, db, deps.mailer, deps.hasher, deps.passwordPolicy, sessions, deps.invitations),
    apiKeys: new ApiKeyService(db),
    userById: createUserLoader(db),
  };
}
