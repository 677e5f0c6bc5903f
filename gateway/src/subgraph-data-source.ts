import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { secondsSince, subgraphFetchDuration } from '@tenantry/metrics';
import { injectTraceHeaders } from '@tenantry/tracing';
import { CONTEXT_HEADER } from '@tenantry/auth';
import type { GatewayContext } from './gateway-context';

/**
 * Every subgraph fetch carries headers the gateway sets itself and nothing a client sent:
 * the signed context (tenant, principal, request id) and the request id.
 */
export class SignedContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const ctx = context as Partial<GatewayContext>;
    if (ctx.contextToken) headers.set(CONTEXT_HEADER, ctx.contextToken);
    if (ctx.requestId) headers.set('x-request-id', ctx.requestId);
    injectTraceHeaders((name, value) => headers.set(name, value));
  }
}

/**
 * Node's fetch with a deadline per subgraph call: a slow or dead subgraph fails its part of
 * the plan (the response keeps the data other subgraphs returned) instead of holding the
 * request open.
 */
export function fetcherWithTimeout(timeoutMs: number, subgraph: string): Fetcher {
  return (async (url: string, init?: RequestInit) => {
    const started = process.hrtime.bigint();
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      subgraphFetchDuration.observe({ subgraph, outcome: response.ok ? 'ok' : 'error' }, secondsSince(started));
      return response;
    } catch (error) {
      const outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      subgraphFetchDuration.observe({ subgraph, outcome }, secondsSince(started));
      throw error;
    }
  }) as unknown as Fetcher;
}
