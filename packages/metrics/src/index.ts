import { Counter, Gauge, Histogram, collectDefaultMetrics, register } from 'prom-client';

/**
 * Prometheus metrics, one registry per process. Labels are bounded on purpose: operation names
 * are client-chosen, so only the first MAX_OPERATIONS well-formed names are kept (the rest are
 * `other`); no metric carries a tenant id (thousands of tenants would explode the series).
 */
const MAX_OPERATIONS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const seenOperations = new Set<string>();

let defaultsStarted = false;

/** Process metrics (CPU, memory, event loop lag, GC) under the `tenantry_` prefix; idempotent. */
export function startDefaultMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ prefix: 'tenantry_' });
}

export function operationLabel(raw: string | null | undefined): string {
  if (!raw) return 'anonymous';
  // The gateway names each subgraph fetch <operation>__<subgraph>__<n>: count it as the operation.
  const name = raw.replace(/__[A-Za-z0-9_]+__\d+$/, '');
  if (!OPERATION_NAME.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATIONS) return 'other';
  seenOperations.add(name);
  return name;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const graphqlRequests = new Counter({
  name: 'tenantry_graphql_requests_total',
  help: 'GraphQL requests by service, operation name and outcome (ok or the first error code)',
  labelNames: ['service', 'operation', 'outcome'] as const,
});

export const graphqlDuration = new Histogram({
  name: 'tenantry_graphql_request_duration_seconds',
  help: 'GraphQL request latency by service, operation name and outcome',
  labelNames: ['service', 'operation', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

export const subgraphFetchDuration = new Histogram({
  name: 'tenantry_subgraph_fetch_duration_seconds',
  help: 'Gateway to subgraph fetch latency by subgraph and outcome (ok, error, timeout)',
  labelNames: ['subgraph', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const pools = new Map<string, PoolCounts>();

/** Reports a pg pool's connections (read at scrape time) under `service`. */
export function watchPool(service: string, pool: PoolCounts): void {
  pools.set(service, pool);
}

export const dbPoolConnections = new Gauge({
  name: 'tenantry_db_pool_connections',
  help: 'Database pool connections by state (total, idle, waiting requests)',
  labelNames: ['service', 'state'] as const,
  collect() {
    for (const [service, pool] of pools) {
      this.set({ service, state: 'total' }, pool.totalCount);
      this.set({ service, state: 'idle' }, pool.idleCount);
      this.set({ service, state: 'waiting' }, pool.waitingCount);
    }
  },
});

export const quotaRefusals = new Counter({
  name: 'tenantry_quota_refusals_total',
  help: 'consumeQuota refusals (QUOTA_EXCEEDED) by resource',
  labelNames: ['resource'] as const,
});

export const rateLimitRefusals = new Counter({
  name: 'tenantry_rate_limit_refusals_total',
  help: 'Requests refused by the gateway rate limit, by scope (tenant or ip)',
  labelNames: ['scope'] as const,
});

export const unlistedOperations = new Counter({
  name: 'tenantry_unlisted_operations_total',
  help: "Operations outside their client's persisted-query manifest, by client, mode (audit: ran, enforce: refused) and kind",
  labelNames: ['client', 'mode', 'kind'] as const,
});

export const provisionDuration = new Histogram({
  name: 'tenantry_tenant_provision_duration_seconds',
  help: 'Time to provision one tenant (registry row, role, schema, every tenant migration)',
  labelNames: ['outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export const tenantMigrationDuration = new Histogram({
  name: 'tenantry_tenant_migration_duration_seconds',
  help: "Time to migrate one tenant's schema, by outcome",
  labelNames: ['outcome'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});

export const auditAppendDuration = new Histogram({
  name: 'tenantry_audit_append_duration_seconds',
  help: 'Time to append one audit event inside its transaction',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
});

export const auditSecurityEvents = new Counter({
  name: 'tenantry_audit_security_events_total',
  help: 'Security events (authz.denied, auth.*_failed) by outcome: written, coalesced into a later event, dropped over the budget, or failed to write',
  labelNames: ['action', 'outcome'] as const,
});

/** Seconds since `start` (from process.hrtime.bigint()). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The Prometheus text exposition of this process's registry. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
