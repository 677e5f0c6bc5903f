import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  generateSigningJwk,
  importSigningKey,
  issueAccessToken,
  signContextToken,
  type AccessTokenClaims,
  type RequestContextClaims,
  type SigningKey,
} from '@tenantry/auth';
import { createLogger, type Logger } from '@tenantry/logging';
import { loadGatewayConfig, startGateway, type GatewayHandle } from '@tenantry/gateway';
import { loadTenantSubgraphConfig, startTenantSubgraph, type TenantSubgraphDependencies } from '@tenantry/subgraph-tenant';
import { loadIdentitySubgraphConfig, startIdentitySubgraph } from '@tenantry/subgraph-identity';
import { loadUsageSubgraphConfig, startUsageSubgraph } from '@tenantry/subgraph-usage';
import { loadAuditSubgraphConfig, startAuditSubgraph } from '@tenantry/subgraph-audit';

export type SubgraphName = 'tenant' | 'identity' | 'usage' | 'audit';

export interface Stack {
  gatewayUrl: string;
  gatewayBaseUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Every log line every process wrote, as raw JSON text. */
  logs: string[];
  /** An access token as identity would issue it. */
  token: (claims: AccessTokenClaims, ttlSeconds?: number) => Promise<string>;
  /** Another gateway replica over the same subgraphs and keys (extra env on top); returns its URL. */
  addGateway: (extra?: Record<string, string>) => Promise<string>;
  /**
   * The env the in-process gateway was configured with (subgraph and internal URLs, the context
   * signing key, env passed to startStack), without PORT: for starting the built gateway as its
   * own process (`node gateway/dist/main.js`) over the same subgraphs and keys.
   */
  gatewayEnv: Record<string, string>;
  /** Identity's access-token key, for crafting tokens identity would never issue (negative tests). */
  accessKey: SigningKey;
  /** The audit subgraph's signing key (private JWK as JSON), to check what it signed. */
  auditSigningKey: string;
  /** A context token as the gateway would sign it (for calling a subgraph directly). */
  contextToken: (claims: RequestContextClaims) => Promise<string>;
  stop: () => Promise<void>;
}

function capturingLogger(service: string, logs: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  return createLogger(service, 'debug', sink);
}

/**
 * The four subgraphs and the gateway in this process, each on its own ephemeral port, talking
 * real HTTP to each other, on the given database (platform already migrated).
 */
export async function startStack(
  databaseUrl: string,
  env: Record<string, string> = {},
  dependencies: { tenant?: TenantSubgraphDependencies } = {},
): Promise<Stack> {
  const logs: string[] = [];
  const context = await generateSigningJwk();
  const access = await generateSigningJwk();
  const auditKey = await generateSigningJwk();
  const common = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    CONTEXT_VERIFY_KEY: JSON.stringify(context.publicJwk),
    ...env,
  };
  const tenant = await startTenantSubgraph(
    loadTenantSubgraphConfig({ MASTER_KEY: randomBytes(32).toString('base64'), ...common }),
    0,
    capturingLogger('tenant-subgraph', logs),
    dependencies.tenant,
  );
  const identity = await startIdentitySubgraph(
    loadIdentitySubgraphConfig({
      MFA_SECRET_KEY: randomBytes(32).toString('base64'),
      ...common,
      ACCESS_TOKEN_SIGNING_KEY: JSON.stringify(access.privateJwk),
    }),
    0,
    capturingLogger('identity-subgraph', logs),
  );
  const usage = await startUsageSubgraph(loadUsageSubgraphConfig(common), 0, capturingLogger('usage-subgraph', logs));
  const audit = await startAuditSubgraph(
    loadAuditSubgraphConfig({ AUDIT_SIGNING_KEY: JSON.stringify(auditKey.privateJwk), ...common }),
    0,
    capturingLogger('audit-subgraph', logs),
  );
  const gatewayEnv: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    // Most tests send bursts from one tenant; rate-limit tests turn it on with env.
    RATE_LIMIT_ENABLED: 'false',
    CONTEXT_SIGNING_KEY: JSON.stringify(context.privateJwk),
    TENANT_SUBGRAPH_URL: tenant.url,
    IDENTITY_SUBGRAPH_URL: identity.url,
    USAGE_SUBGRAPH_URL: usage.url,
    AUDIT_SUBGRAPH_URL: audit.url,
    IDENTITY_JWKS_URL: identity.url.replace(/\/graphql$/, '/.well-known/jwks.json'),
    API_KEY_VERIFY_URL: identity.url.replace(/\/graphql$/, '/internal/api-keys/verify'),
    TENANT_RESOLVE_URL: tenant.url.replace(/\/graphql$/, '/internal/tenants/resolve'),
    PQ_REGISTRY_URL: tenant.url.replace(/\/graphql$/, '/internal/persisted-queries'),
    ...env,
  };
  const gatewayConfig = (extra: Record<string, string>) => loadGatewayConfig({ PORT: '0', ...gatewayEnv, ...extra });
  const gateway = await startGateway(gatewayConfig({}), capturingLogger('gateway', logs));
  const extraGateways: GatewayHandle[] = [];
  const accessKey = await importSigningKey(JSON.stringify(access.privateJwk));
  const contextKey = await importSigningKey(JSON.stringify(context.privateJwk));
  return {
    gatewayUrl: gateway.url,
    gatewayBaseUrl: gateway.url.replace(/\/graphql$/, ''),
    subgraphUrls: { tenant: tenant.url, identity: identity.url, usage: usage.url, audit: audit.url },
    logs,
    gatewayEnv,
    auditSigningKey: env.AUDIT_SIGNING_KEY ?? JSON.stringify(auditKey.privateJwk),
    token: (claims, ttlSeconds = 300) => issueAccessToken(accessKey, claims, ttlSeconds),
    accessKey,
    contextToken: (claims) => signContextToken(contextKey, claims),
    addGateway: async (extra = {}) => {
      const handle = await startGateway(gatewayConfig(extra), capturingLogger('gateway', logs));
      extraGateways.push(handle);
      return handle.url;
    },
    stop: async () => {
      await Promise.all([gateway.stop(), ...extraGateways.map((g) => g.stop())]);
      await Promise.all([tenant.stop(), identity.stop(), usage.stop(), audit.stop()]);
    },
  };
}
