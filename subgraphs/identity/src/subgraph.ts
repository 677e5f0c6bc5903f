import type { Logger } from '@tenantry/logging';
import { importSigningKey, importVerifyKey } from '@tenantry/auth';
import { runSubgraph, type SubgraphHandle } from '@tenantry/federation';
import { loadPlanCatalog } from '@tenantry/plans';
import { createDataSource } from '@tenantry/tenancy';
import { apiKeyVerifyRoute } from './api-key/api-key.route';
import type { IdentitySubgraphConfig } from './config';
import { createIdentityContext, type IdentityDependencies } from './context';
import { jwksRoute } from './jwks/jwks.route';
import { MailEntity } from './mail/mail.entity';
import { OutboxMailer } from './mail/mailer';
import { MembershipEntity } from './membership/membership.entity';
import { SecretBox } from './mfa/secret-box';
import { PasswordHasher } from './password/password.hasher';
import { loadCommonPasswords } from './password/password-policy';
import { identitySubgraphDefinition } from './schema';
import { SessionEntity } from './session/session.entity';
import { UserEntity } from './user/user.entity';

export async function startIdentitySubgraph(
  config: IdentitySubgraphConfig,
  port = config.IDENTITY_PORT,
  logger?: Logger,
): Promise<SubgraphHandle> {
  const signingKey = await importSigningKey(config.ACCESS_TOKEN_SIGNING_KEY);
  const contextVerifyKey = await importVerifyKey(config.CONTEXT_VERIFY_KEY);
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    entities: [UserEntity, MembershipEntity, SessionEntity, MailEntity],
    applicationName: 'tenantry-identity',
  });
  const deps: IdentityDependencies = {
    hasher: new PasswordHasher({
      memoryKib: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
    }),
    passwordPolicy: { minLength: config.PASSWORD_MIN_LENGTH, common: loadCommonPasswords() },
    mailer: new OutboxMailer(),
    tokens: {
      signingKey,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    },
    devMailboxEnabled: config.NODE_ENV !== 'production',
    secretBox: config.MFA_SECRET_KEY
      ? new SecretBox(Buffer.from(config.MFA_SECRET_KEY, 'base64'))
      : SecretBox.derive(config.ACCESS_TOKEN_SIGNING_KEY, 'tenantry-mfa-seeds'),
    throttle: {
      maxFailuresPerAccount: config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: config.SIGN_IN_MAX_FAILURES_PER_IP,
      baseLockSeconds: config.SIGN_IN_LOCK_BASE_SECONDS,
      maxLockSeconds: config.SIGN_IN_LOCK_MAX_SECONDS,
      windowSeconds: config.SIGN_IN_FAILURE_WINDOW_SECONDS,
    },
    credentials: {
      verificationTtlSeconds: config.EMAIL_VERIFICATION_TTL_SECONDS,
      resetTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS,
    },
    invitations: { ttlSeconds: config.INVITATION_TTL_SECONDS, catalog: loadPlanCatalog() },
  };
  return runSubgraph(
    {
      name: 'identity',
      dataSource,
      definition: identitySubgraphDefinition,
      createContext: (base, ds) => createIdentityContext(base, ds, deps),
      extraRoutes: (app, securityAudit) => {
        jwksRoute([signingKey])(app);
        apiKeyVerifyRoute(dataSource, contextVerifyKey, logger, securityAudit)(app);
      },
    },
    config,
    port,
    logger,
  );
}
