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
import { identifyCaller, requestIdFrom } from './request-context';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { SignedContextDataSource } from './subgraph-data-source';
import { createSubgraphTransport, type SubgraphTransport } from './subgraph-transport';
import { operationGuard } from './operation-limits/operation-guard';
import { RedisKeyValueCache } from './apq/redis-cache';
import { RateLimiter } from './rate-limit/rate-limit';
import { RedisTokenBuckets } from './rate-limit/redis-token-bucket';
import { MemoryTokenBuckets } from './rate-limit/token-bucket';
import { loadPlanCatalog } from '@tenantry/plans';
import { metricsText, startDefaultMetrics } from '@tenantry/metrics';
import { activeTraceId, annotateActiveSpan, startTracing, traceHttpRequest } from '@tenantry/tracing';

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
  const httpServer = http.createServer(app);
  httpServer.requestTimeout = 30_000;
  httpServer.headersTimeout = 10_000;

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
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      errorAndLogPlugin<GatewayContext>('gateway'),
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
    (req, res, next) => traceHttpRequest('gateway.http', req.headers, res, next),
    express.json({ limit: config.BODY_LIMIT }),
    operationGuard(config.operationLimits),
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        let caller;
        try {
          caller = await identifyCaller(req.headers, requestId, accessTokenKeys, verifyApiKey);
          await rateLimiter?.enforce({ tenantId: caller.tenantId, plan: caller.plan, ip: req.ip ?? 'unknown' });
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
          traceId: activeTraceId(),
        });
        // The socket's address: behind a proxy this is the proxy's (X-Forwarded-For is not trusted yet).
        const clientIp = req.socket.remoteAddress;
        const contextToken = await signContextToken(signingKey, { ...caller, ...(clientIp ? { clientIp } : {}) });
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
      await server.stop();
      await buckets?.close();
      await apqCache?.close();
      for (const transport of transports) transport.close();
    },
  };
}
