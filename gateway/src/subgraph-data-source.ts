import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
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
  }
}

/**
 * Node's fetch with a deadline per subgraph call: a slow or dead subgraph fails its part of
 * the plan (the response keeps the data other subgraphs returned) instead of holding the
 * request open.
 */
export function fetcherWithTimeout(timeoutMs: number): Fetcher {
  return ((url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}
