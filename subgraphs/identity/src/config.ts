import { z } from 'zod';
import { loadConfig, requireInProduction, vars } from '@tenantry/config';

export type IdentitySubgraphConfig = ReturnType<typeof loadIdentitySubgraphConfig>;

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(30).max(max).default(fallback);

export function loadIdentitySubgraphConfig(env: Record<string, string | undefined>) {
  const config = loadConfig(
    {
      ...vars.subgraphShape,
      IDENTITY_PORT: vars.port(4002),
      /** Identity's private key for access tokens (JWK); its public half is served as JWKS. */
      ACCESS_TOKEN_SIGNING_KEY: vars.jwkJson,
      /** Also the longest a removed member keeps access (docs/adr/0011). */
      ACCESS_TOKEN_TTL_SECONDS: seconds(300, 3600),
      /** Absolute lifetime of a session (its refresh-token family), not extended by rotation. */
      REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600, 365 * 24 * 3600),
      /** argon2id cost; defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). */
      ARGON2_MEMORY_KIB: z.coerce.number().int().min(8192).max(1_048_576).default(19_456),
      ARGON2_TIME_COST: z.coerce.number().int().min(1).max(10).default(2),
      ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
      /** How long an invitation link stays valid; default 7 days. */
      INVITATION_TTL_SECONDS: seconds(7 * 24 * 3600, 90 * 24 * 3600),
      EMAIL_VERIFICATION_TTL_SECONDS: seconds(2 * 24 * 3600, 30 * 24 * 3600),
      /** Short: a reset code in a mailbox is a password. */
      PASSWORD_RESET_TTL_SECONDS: seconds(3600, 24 * 3600),
      /** Brute-force protection: failures allowed before exponential backoff (per email, per address). */
      SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(100).default(5),
      SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(10_000).default(50),
      SIGN_IN_LOCK_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
      SIGN_IN_LOCK_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
      SIGN_IN_FAILURE_WINDOW_SECONDS: seconds(900, 86_400),
      /** 32 bytes, base64: encrypts TOTP seeds at rest. Outside production a key is derived from ACCESS_TOKEN_SIGNING_KEY. */
      MFA_SECRET_KEY: vars.masterKey.optional(),
      PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(10),
    },
    env,
  );
  requireInProduction(config.NODE_ENV, { MFA_SECRET_KEY: config.MFA_SECRET_KEY }, 'generate with: openssl rand -base64 32');
  return config;
}
