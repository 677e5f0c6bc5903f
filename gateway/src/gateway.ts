import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createRemoteJWKSet } from 'jose';
import { importSigningKey, principalId, signContextToken } from '@tenantry/auth';
import { errorAndLogPlugin } from '@tenantry/federation';
import { createLogger, type Logger } from '@tenantry/logging';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './gateway-context';
import { createApiKeyVerifier } from './api-key-verifier';
import { identifyCaller, requestIdFrom, type Caller } from './request-context';
import { createTenantDirectory } from './tenant-resolution/tenant-directory';
import { ClientRegistry } from './persisted-queries/client-registry';
import { persistedQuerySafelist } from './persisted-queries/safelist';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { SignedContextDataSource } from './subgraph-data-source';
import { createSubgraphTransport, type SubgraphTransport } from './subgraph-transport';
import { operationGuard } from './operation-limits/operation-guard';
import { bodyErrors, publicCodes, unknownOperationPlugin } from './operation-limits/request-shape';
import { RedisKeyValueCache } from './apq/redis-cache';
import { RateLimiter } from './rate-limit/rate-limit';
import { RedisTokenBuckets } from './rate-limit/redis-token-bucket';
import { MemoryTokenBuckets } from './rate-limit/token-bucket';
import { loadPlanCatalog } from '@tenantry/plans';
import { metricsText, startDefaultMetrics } from '@tenantry/metrics';
import { activeTraceId, annotateActiveSpan, startTracing, traceHttpRequest } from '@tenantry/tracing';

const isNotFound = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND';

export interface GatewayHandle {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * The one public entry: verifies the caller once, resolves the tenant, and forwards a
 * short-lived signed context to every subgraph over HTTP.
 */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger = createLogger('gateway', config.LOG_LEVEL),
): Promise<GatewayHandle> {
  startTracing({
    service: 'gateway',
    exporter: config.OTEL_TRACES_EXPORTER,
    ...(config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? { otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT } : {}),
  });
  const signingKey = await importSigningKey(config.CONTEXT_SIGNING_KEY);
  const accessTokenKeys = createRemoteJWKSet(new URL(config.IDENTITY_JWKS_URL), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  const verifyApiKey = createApiKeyVerifier({
    url: config.API_KEY_VERIFY_URL,
    signingKey,
    cacheSeconds: config.API_KEY_CACHE_SECONDS,
    onError: (error) => logger.error({ err: error }, 'api key verification unavailable'),
  });
  const lookUpTenant = createTenantDirectory({
    url: config.TENANT_RESOLVE_URL,
    signingKey,
    cacheSize: config.TENANT_RESOLUTION_CACHE_SIZE,
    ttlSeconds: config.TENANT_RESOLUTION_CACHE_SECONDS,
    negativeTtlSeconds: config.TENANT_RESOLUTION_NEGATIVE_CACHE_SECONDS,
    onError: (error) => logger.error({ err: error }, 'tenant resolution unavailable'),
  });
  const tenants = { hosts: config.tenantHosts, lookUp: lookUpTenant };
  const clientRegistry = new ClientRegistry({
    url: config.PQ_REGISTRY_URL,
    signingKey,
    refreshSeconds: config.PQ_REFRESH_SECONDS,
    defaultLimits: config.operationLimits,
    onError: (error) => logger.error({ err: error }, 'persisted-query registry unavailable (bound clients fail closed)'),
    onChange: (clients, operations) => logger.info({ clients, operations }, 'persisted-query registry loaded'),
  });
  await clientRegistry.start();
  const supergraphSdl = await readFile(config.SUPERGRAPH_PATH, 'utf8');
  const buckets =
    config.RATE_LIMIT_ENABLED === 'true'
      ? config.REDIS_URL
        ? new RedisTokenBuckets(config.REDIS_URL)
        : new MemoryTokenBuckets()
      : undefined;
  const rateLimiter = buckets
    ? new RateLimiter(buckets, loadPlanCatalog(), {
        anonymousPerHour: config.RATE_LIMIT_ANONYMOUS_PER_HOUR,
        burstSeconds: config.RATE_LIMIT_BURST_SECONDS,
      })
    : undefined;

  const transports: SubgraphTransport[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    // Bounded by approximate size, so many distinct documents cannot grow memory without limit.
    experimental_approximateQueryPlanStoreMiB: config.QUERY_PLAN_CACHE_MIB,
    buildService: ({ name, url }) => {
      const override = config.subgraphUrls[name];
      const transport = createSubgraphTransport({
        subgraph: name,
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        maxSockets: config.SUBGRAPH_MAX_SOCKETS,
        dedupInflight: config.SUBGRAPH_DEDUP_INFLIGHT === 'true',
      });
      transports.push(transport);
      return new SignedContextDataSource({
        url: override ?? url,
        fetcher: transport.fetcher,
        dedupEntities: config.SUBGRAPH_DEDUP_ENTITIES === 'true',
        dedupInflight: config.SUBGRAPH_DEDUP_INFLIGHT === 'true',
      });
    },
  });

  startDefaultMetrics();
  const app = express();
  app.disable('x-powered-by');
  // Slow headers (slowloris) are cut off: Node checks its timeouts every connectionsCheckingInterval.
  const httpServer = http.createServer({ connectionsCheckingInterval: Math.min(1_000, config.HEADERS_TIMEOUT_MS / 2) }, app);
  httpServer.requestTimeout = 30_000;
  httpServer.headersTimeout = config.HEADERS_TIMEOUT_MS;

  // Automatic persisted queries: a cache, not a safelist (anyone may register a query they send).
  const apqCache = config.REDIS_URL ? new RedisKeyValueCache(config.REDIS_URL) : undefined;
  const mib = 2 ** 20;
  const server = new ApolloServer<GatewayContext>({
    gateway,
    cache: apqCache ?? new InMemoryLRUCache<string>({ maxSize: config.APQ_MEMORY_CACHE_MIB * mib }),
    documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: config.DOCUMENT_CACHE_MIB * mib }),
    persistedQueries: { ttl: config.APQ_TTL_SECONDS },
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    // In production a misspelled field gets no "Did you mean …?" (the schema stays private).
    hideSchemaDetailsFromClientErrors: config.production,
    formatError: publicCodes,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      errorAndLogPlugin<GatewayContext>('gateway'),
      unknownOperationPlugin,
    ],
  });
  await server.start();

  app.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers);
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metricsText();
    res.set('Content-Type', contentType).send(body);
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(config.subgraphUrls).map(async ([name, url]) => {
        try {
          const response = await fetch(url.replace(/\/graphql$/, '/readyz'), { signal: AbortSignal.timeout(2_000) });
          return [name, response.ok ? 'ready' : 'unavailable'] as const;
        } catch {
          return [name, 'unreachable'] as const;
        }
      }),
    );
    const ready = checks.every(([, status]) => status === 'ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  });
  app.use(
    '/graphql',
    (req: express.Request, res: express.Response, next: express.NextFunction) => traceHttpRequest('gateway.http', req.headers, res, next),
    express.json({ limit: config.BODY_LIMIT }),
    bodyErrors(config.BODY_LIMIT),
    // Who is calling is settled once, here; the safelist, the guard and the context share it.
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const caller = identifyCaller(req.headers, res.locals.requestId as string, accessTokenKeys, verifyApiKey, tenants);
      caller.catch(() => undefined); // reported by the context function
      res.locals.caller = caller;
      next();
    },
    persistedQuerySafelist({ registry: clientRegistry, unboundClient: config.PQ_UNBOUND_CLIENT, logger }),
    operationGuard(config.operationLimits),
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        let caller;
        try {
          caller = await (res.locals.caller as Promise<Caller>).catch(async (error) => {
            // Probing slugs or domains spends the prober's own per-IP budget (ADR 0018).
            if (isNotFound(error)) await rateLimiter?.enforce({ ip: req.ip ?? 'unknown' });
            throw error;
          });
          // A caller without credentials spends its own per-IP budget even when it names a tenant
          // (a slug is public): strangers cannot use up a tenant's budget (ADR 0018).
          const anonymous = caller.principal.kind === 'anonymous';
          await rateLimiter?.enforce({
            ...(anonymous ? {} : { tenantId: caller.tenantId, plan: caller.plan }),
            ip: req.ip ?? 'unknown',
          });
        } catch (error) {
          logger.info(
            { requestId, code: (error as { extensions?: { code?: string } }).extensions?.code },
            'request refused before execution',
          );
          throw error;
        }
        annotateActiveSpan({
          'tenantry.request_id': requestId,
          ...(caller.tenantId ? { 'tenantry.tenant_id': caller.tenantId } : {}),
          'tenantry.principal_kind': caller.principal.kind,
        });
        const log = logger.child({
          requestId,
          tenantId: caller.tenantId,
          principalId: principalId(caller.principal),
          ...(caller.client ? { client: caller.client } : {}),
          traceId: activeTraceId(),
        });
        // The socket's address: behind a proxy this is the proxy's (X-Forwarded-For is not trusted yet).
        const clientIp = req.socket.remoteAddress;
        const userAgent = req.headers['user-agent'];
        const contextToken = await signContextToken(signingKey, {
          ...caller,
          ...(clientIp ? { clientIp } : {}),
          ...(userAgent ? { userAgent } : {}),
        });
        return { ...caller, log, contextToken };
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}/graphql`;
  logger.info({ url }, 'gateway listening');
  return {
    url,
    port,
    stop: async () => {
      clientRegistry.stop();
      await server.stop();
      await buckets?.close();
      await apqCache?.close();
      for (const transport of transports) transport.close();
    },
  };
}
