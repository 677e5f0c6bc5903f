import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, vars } from '@tenantry/config';

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const hostName = z
  .string()
  .transform((v) => v.trim().toLowerCase().replace(/\.$/, ''))
  .refine((v) => HOST_NAME.test(v) && v.includes('.'), 'must be a domain name like tenants.example.com');

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

const DEFAULT_SUPERGRAPH = path.resolve(__dirname, '../../schema/supergraph.graphql');

export function loadGatewayConfig(env: Record<string, string | undefined>) {
  const config = loadConfig(
    {
      NODE_ENV: vars.nodeEnv,
      LOG_LEVEL: vars.logLevel,
      PORT: vars.port(4000),
      HOST: z.string().default('127.0.0.1'),
      SUPERGRAPH_PATH: z.string().default(DEFAULT_SUPERGRAPH),
      TENANT_SUBGRAPH_URL: vars.httpUrl.default('http://127.0.0.1:4001/graphql'),
      IDENTITY_SUBGRAPH_URL: vars.httpUrl.default('http://127.0.0.1:4002/graphql'),
      USAGE_SUBGRAPH_URL: vars.httpUrl.default('http://127.0.0.1:4003/graphql'),
      AUDIT_SUBGRAPH_URL: vars.httpUrl.default('http://127.0.0.1:4004/graphql'),
      /** Where identity serves the public keys of access tokens. */
      IDENTITY_JWKS_URL: vars.httpUrl.default('http://127.0.0.1:4002/.well-known/jwks.json'),
      /** Where identity verifies partner API keys (the gateway has no database). */
      API_KEY_VERIFY_URL: vars.httpUrl.default('http://127.0.0.1:4002/internal/api-keys/verify'),
      /** How long a verified key is trusted without asking again: also how late a revocation bites. */
      API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
      /** Where the tenant subgraph says which tenant a slug or verified custom domain names. */
      TENANT_RESOLVE_URL: vars.httpUrl.default('http://127.0.0.1:4001/internal/tenants/resolve'),
      /** `<slug>.<TENANT_BASE_DOMAIN>` names a tenant by its subdomain; unset turns subdomains off. */
      TENANT_BASE_DOMAIN: hostName.optional(),
      /** Whether any other Host is looked up as a verified custom domain. */
      TENANT_CUSTOM_DOMAINS: z.enum(['true', 'false']).default('false'),
      /** The gateway's own host names (comma-separated): they name no tenant. */
      TENANT_PUBLIC_HOSTS: z
        .string()
        .default('')
        .transform((v) =>
          v
            .split(',')
            .map((h) => h.trim().toLowerCase())
            .filter(Boolean),
        )
        .refine((hosts) => hosts.every((h) => HOST_NAME.test(h)), 'must be comma-separated host names'),
      /** How many slugs/domains the gateway remembers (least recently used goes first); 0: no cache. */
      TENANT_RESOLUTION_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
      /** How long a resolved tenant is trusted: also how late a changed slug or lost domain bites. */
      TENANT_RESOLUTION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
      /** How long "no tenant at this address" is remembered. */
      TENANT_RESOLUTION_NEGATIVE_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
      /** The gateway's private key (JWK) for the context it signs for every subgraph call. */
      CONTEXT_SIGNING_KEY: vars.jwkJson,
      SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
      /** Keep-alive connections per subgraph per gateway process. */
      SUBGRAPH_MAX_SOCKETS: z.coerce.number().int().min(1).max(4096).default(128),
      /** Send each distinct entity representation once per fetch (ADR 0024). */
      SUBGRAPH_DEDUP_ENTITIES: z.enum(['true', 'false']).default('true'),
      /** Identical query calls in flight for the same caller and tenant share one subgraph call (ADR 0024). */
      SUBGRAPH_DEDUP_INFLIGHT: z.enum(['true', 'false']).default('true'),
      /** Bounds of the per-document caches: query plans, parsed+validated documents, in-memory APQ. */
      QUERY_PLAN_CACHE_MIB: z.coerce.number().int().min(1).max(4096).default(30),
      DOCUMENT_CACHE_MIB: z.coerce.number().int().min(1).max(4096).default(30),
      APQ_MEMORY_CACHE_MIB: z.coerce.number().int().min(1).max(4096).default(30),
      /** Gateway processes sharing the port (Node cluster); more than 1 needs Redis for shared state. */
      GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
      BODY_LIMIT: z.string().default('1mb'),
      /** A client that has not sent its whole request head by then gets 408 and is disconnected. */
      HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(30_000).default(10_000),
      ...vars.tracingShape,
      /** Shared rate-limit buckets across gateway replicas; in memory when unset. */
      REDIS_URL: vars.redisUrl.optional(),
      RATE_LIMIT_ENABLED: z.enum(['true', 'false']).default('true'),
      RATE_LIMIT_ANONYMOUS_PER_HOUR: z.coerce.number().int().min(1).default(3600),
      RATE_LIMIT_BURST_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
      /** Where the tenant subgraph serves the client registry and persisted-query manifests. */
      PQ_REGISTRY_URL: vars.httpUrl.default('http://127.0.0.1:4001/internal/persisted-queries'),
      /** How often the gateway asks for changes: the bound on how late a publish or mode change bites. */
      PQ_REFRESH_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
      /** The registered client whose manifest and mode govern callers without a bound API key (unset: none, mode off). */
      PQ_UNBOUND_CLIENT: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, 'must be a client name')
        .optional(),
      APQ_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
      OPERATION_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
      OPERATION_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
      OPERATION_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(20),
      OPERATION_MAX_SELECTION_FIELDS: z.coerce.number().int().min(1).default(200),
      OPERATION_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
      OPERATION_MAX_COST: z.coerce.number().int().min(1).default(5_000),
      OPERATION_MAX_TOKENS: z.coerce.number().int().min(10).default(5_000),
      OPERATION_MAX_CHARACTERS: z.coerce.number().int().min(100).default(50_000),
    },
    env,
  );
  if (config.GATEWAY_WORKERS > 1 && config.RATE_LIMIT_ENABLED === 'true' && !config.REDIS_URL) {
    // Each worker would keep its own buckets, multiplying every tenant's limit by the worker count.
    throw new ConfigError([
      'GATEWAY_WORKERS: more than 1 worker needs REDIS_URL for the shared rate-limit buckets (or RATE_LIMIT_ENABLED=false)',
    ]);
  }
  return {
    ...config,
    production: config.NODE_ENV === 'production',
    operationLimits: {
      maxDepth: config.OPERATION_MAX_DEPTH,
      maxAliases: config.OPERATION_MAX_ALIASES,
      maxRootFields: config.OPERATION_MAX_ROOT_FIELDS,
      maxSelectionFields: config.OPERATION_MAX_SELECTION_FIELDS,
      maxDirectives: config.OPERATION_MAX_DIRECTIVES,
      maxCost: config.OPERATION_MAX_COST,
      maxTokens: config.OPERATION_MAX_TOKENS,
      maxCharacters: config.OPERATION_MAX_CHARACTERS,
    },
    tenantHosts: {
      baseDomain: config.TENANT_BASE_DOMAIN,
      customDomains: config.TENANT_CUSTOM_DOMAINS === 'true',
      publicHosts: new Set(config.TENANT_PUBLIC_HOSTS),
    },
    subgraphUrls: {
      tenant: config.TENANT_SUBGRAPH_URL,
      identity: config.IDENTITY_SUBGRAPH_URL,
      usage: config.USAGE_SUBGRAPH_URL,
      audit: config.AUDIT_SUBGRAPH_URL,
    } as Record<string, string>,
  };
}
