import type { DataSource } from 'typeorm';
import type { KeyLike } from 'jose';
import type express from 'express';
import { createLogger, type Logger } from '@tenantry/logging';
import { watchPool, type PoolCounts } from '@tenantry/metrics';
import { startTracing } from '@tenantry/tracing';
import { importVerifyKey } from '@tenantry/auth';
import { SecurityAuditRecorder } from '@tenantry/audit-writer';
import { buildSubgraph, type SubgraphDefinition } from './build-subgraph';
import { startSubgraphServer, type BaseSubgraphContext, type RunningServer } from './subgraph-server';

export interface SubgraphProcessConfig {
  LOG_LEVEL: string;
  CONTEXT_VERIFY_KEY: string;
  HOST: string;
  OTEL_TRACES_EXPORTER: 'none' | 'console' | 'otlp';
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
}

export interface SubgraphRuntime<C extends BaseSubgraphContext> {
  name: string;
  dataSource: DataSource;
  definition: SubgraphDefinition;
  createContext: (base: BaseSubgraphContext, dataSource: DataSource) => C;
  /** Routes beside /graphql, given the process's security-event recorder. */
  extraRoutes?: (app: express.Express, securityAudit: SecurityAuditRecorder) => void;
}

export interface SubgraphHandle extends RunningServer {
  logger: Logger;
}

/** Connects the pool, builds the schema and serves it; stop() drains HTTP then closes the pool. */
export async function runSubgraph<C extends BaseSubgraphContext>(
  runtime: SubgraphRuntime<C>,
  config: SubgraphProcessConfig,
  port: number,
  logger: Logger = createLogger(`${runtime.name}-subgraph`, config.LOG_LEVEL),
): Promise<SubgraphHandle> {
  startTracing({
    service: `${runtime.name}-subgraph`,
    exporter: config.OTEL_TRACES_EXPORTER,
    ...(config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? { otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT } : {}),
  });
  const contextVerifyKey: KeyLike | Uint8Array = await importVerifyKey(config.CONTEXT_VERIFY_KEY);
  if (!runtime.dataSource.isInitialized) await runtime.dataSource.initialize();
  const { schema } = await buildSubgraph(runtime.definition);
  const pool = (runtime.dataSource.driver as unknown as { master?: PoolCounts }).master;
  if (pool) watchPool(runtime.name, pool);
  const securityAudit = new SecurityAuditRecorder(runtime.dataSource, logger);
  const extraRoutes = runtime.extraRoutes;
  const server = await startSubgraphServer<C>(
    {
      name: runtime.name,
      schema,
      logger,
      contextVerifyKey,
      securityAudit,
      createContext: (base) => runtime.createContext(base, runtime.dataSource),
      checkReady: async () => {
        await runtime.dataSource.query('SELECT 1');
      },
      ...(extraRoutes ? { extraRoutes: (app: express.Express) => extraRoutes(app, securityAudit) } : {}),
    },
    port,
    config.HOST,
  );
  return {
    ...server,
    logger,
    stop: async () => {
      await server.stop();
      if (runtime.dataSource.isInitialized) await runtime.dataSource.destroy();
    },
  };
}
