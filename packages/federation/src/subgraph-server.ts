import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { KeyLike } from 'jose';
import type { Logger } from 'pino';
import type { SecurityAuditRecorder } from '@tenantry/audit-writer';
import { CONTEXT_HEADER, principalId, verifyContextToken, type AuthContext } from '@tenantry/auth';
import { metricsText, startDefaultMetrics } from '@tenantry/metrics';
import { activeTraceId, annotateActiveSpan, traceHttpRequest } from '@tenantry/tracing';
import { errorAndLogPlugin } from './error-plugin';

export interface BaseSubgraphContext extends AuthContext {
  log: Logger;
  /** Records refusals (denied operations, failed sign-ins) on the audit trail, flood-bounded (ADR 0022). */
  securityAudit?: SecurityAuditRecorder;
}

export interface SubgraphServerOptions<C extends BaseSubgraphContext> {
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  contextVerifyKey: KeyLike | Uint8Array;
  /** Adds the subgraph's own per-request pieces (database scope, DataLoaders). */
  createContext: (base: BaseSubgraphContext) => C;
  /** Throws when a dependency (the database) is unreachable. */
  checkReady: () => Promise<void>;
  bodyLimit?: string;
  /** The process's recorder of security events; absent, refusals are not audited. */
  securityAudit?: SecurityAuditRecorder;
  /** Routes beside /graphql (identity serves its JWKS this way). */
  extraRoutes?: (app: express.Express) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * HTTP front of a subgraph: GraphQL at /graphql, /healthz and /readyz. Every GraphQL
 * request — including `_service` and `_entities` — must carry the gateway's signed context;
 * without it the answer is UNAUTHENTICATED (HTTP 401) before anything executes.
 */
export async function startSubgraphServer<C extends BaseSubgraphContext>(
  options: SubgraphServerOptions<C>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  startDefaultMetrics();
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const server = new ApolloServer<C>({
    schema: options.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // runMain owns SIGINT/SIGTERM: it drains this server, closes the pool and exits. Apollo's own
    // handlers would stop the server a second time and re-raise the signal into ours.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Traces go to OpenTelemetry (issue 9), not Apollo's usage reporting.
      ApolloServerPluginInlineTraceDisabled(),
      // No field carries a cache hint, so Apollo's default cache-control plugin only ever
      // answered `no-store` — after a hook on every resolved field (ADR 0027). The header stays.
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              response.http.headers.set('cache-control', 'no-store');
            },
          };
        },
      },
      errorAndLogPlugin<C>(options.name),
    ],
  });
  await server.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metricsText();
    res.set('Content-Type', contentType).send(body);
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await options.checkReady();
      res.json({ status: 'ready', service: options.name });
    } catch (error) {
      options.logger.warn({ err: error }, 'not ready');
      res.status(503).json({ status: 'unavailable', service: options.name });
    }
  });
  options.extraRoutes?.(app);
  app.use(
    '/graphql',
    (req, res, next) => traceHttpRequest(`${options.name}.request`, req.headers, res, next),
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        const header = req.headers[CONTEXT_HEADER];
        let claims;
        try {
          claims = await verifyContextToken(options.contextVerifyKey, typeof header === 'string' ? header : undefined);
        } catch (error) {
          // Nothing from an unverified caller is logged verbatim.
          options.logger.warn({ refusalId: randomUUID(), remote: req.socket.remoteAddress }, 'refused call without valid gateway context');
          throw new GraphQLError((error as Error).message, {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        }
        annotateActiveSpan({
          'tenantry.service': options.name,
          'tenantry.request_id': claims.requestId,
          ...(claims.tenantId ? { 'tenantry.tenant_id': claims.tenantId } : {}),
        });
        const log = options.logger.child({
          requestId: claims.requestId,
          tenantId: claims.tenantId,
          principalId: principalId(claims.principal),
          traceId: activeTraceId(),
        });
        return options.createContext({ ...claims, log, ...(options.securityAudit ? { securityAudit: options.securityAudit } : {}) });
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const actualPort = (httpServer.address() as AddressInfo).port;
  options.logger.info({ port: actualPort }, `${options.name} subgraph listening`);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}/graphql`,
    port: actualPort,
    stop: async () => {
      await server.stop();
    },
  };
}
