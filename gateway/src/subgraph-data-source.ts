import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { injectTraceHeaders } from '@tenantry/tracing';
import { CONTEXT_HEADER } from '@tenantry/auth';
import type { GatewayContext } from './gateway-context';
import { dedupeRepresentations, expandEntities } from './entity-dedup';
import { INFLIGHT_KEY_HEADER } from './subgraph-transport';

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * Every subgraph fetch carries headers the gateway sets itself and nothing a client sent:
 * the signed context (tenant, principal, request id) and the request id. Entity fetches send
 * each distinct representation once unless `dedupEntities` is false; queries are marked so the
 * transport may share identical calls in flight for the same caller unless `dedupInflight` is false.
 */
export class SignedContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly dedupEntities: boolean;
  private readonly dedupInflight: boolean;

  constructor(
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0] & {
      dedupEntities?: boolean;
      dedupInflight?: boolean;
    },
  ) {
    const { dedupEntities = true, dedupInflight = true, ...rest } = options ?? {};
    super(rest);
    this.dedupEntities = dedupEntities;
    this.dedupInflight = dedupInflight;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const ctx = context as Partial<GatewayContext>;
    if (ctx.contextToken) headers.set(CONTEXT_HEADER, ctx.contextToken);
    if (ctx.requestId) headers.set('x-request-id', ctx.requestId);
    injectTraceHeaders((name, value) => headers.set(name, value));
    // Queries (never mutations) of the same caller in the same tenant may share one call in flight.
    // Anonymous callers are not one caller: each keeps its own call (its own IP and request id
    // reach the subgraph and its audit trail).
    const identified = ctx.principal !== undefined && ctx.principal.kind !== 'anonymous';
    if (this.dedupInflight && identified && request.query && !/^\s*mutation\b/.test(request.query)) {
      headers.set(INFLIGHT_KEY_HEADER, JSON.stringify([ctx.tenantId ?? null, ctx.principal ?? null]));
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const representations: unknown = options.request.variables?.representations;
    if (!this.dedupEntities || !Array.isArray(representations) || representations.length < 2) return super.process(options);
    const deduped = dedupeRepresentations(representations);
    if (deduped.unique.length === representations.length) return super.process(options);
    options.request.variables = { ...options.request.variables, representations: deduped.unique };
    const response = await super.process(options);
    const entities: unknown = response.data?._entities;
    if (!Array.isArray(entities)) return response;
    const expanded = expandEntities(deduped, entities, response.errors);
    return {
      ...response,
      data: { ...response.data, _entities: expanded.entities },
      ...(expanded.errors ? { errors: expanded.errors } : {}),
    };
  }
}
