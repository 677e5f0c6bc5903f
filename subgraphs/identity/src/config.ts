import { loadConfig, vars } from '@tenantry/config';

export type IdentitySubgraphConfig = ReturnType<typeof loadIdentitySubgraphConfig>;

export function loadIdentitySubgraphConfig(env: Record<string, string | undefined>) {
  return loadConfig(
    {
      ...vars.subgraphShape,
      IDENTITY_PORT: vars.port(4002),
      /** Identity's private key for access tokens (JWK); its public half is served as JWKS. */
      ACCESS_TOKEN_SIGNING_KEY: vars.jwkJson,
    },
    env,
  );
}
