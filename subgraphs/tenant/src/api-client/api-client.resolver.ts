import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { TenantContext } from '../context';
import { PublishPersistedQueriesInput, UpdateApiClientInput } from './api-client.input';
import type { ApiClientRow, PublicationResult } from './api-client.service';
import {
  ApiClient,
  PersistedOperation,
  PersistedQueryMode,
  PersistedQueryPublication,
  PersistedQueryPublicationRecord,
} from './api-client.type';

function toApiClient(row: ApiClientRow): ApiClient {
  return Object.assign(new ApiClient(), { ...row, mode: row.mode as PersistedQueryMode });
}

function toPublication(result: PublicationResult): PersistedQueryPublication {
  return Object.assign(new PersistedQueryPublication(), { ...result, client: toApiClient(result.client) });
}

@Resolver(() => ApiClient)
export class ApiClientResolver {
  @Query(() => [ApiClient], { description: 'Platform staff: every client with its persisted-query mode and limits' })
  async apiClients(@Ctx() ctx: TenantContext): Promise<ApiClient[]> {
    return (await ctx.apiClients.list()).map(toApiClient);
  }

  @FieldResolver(() => [PersistedOperation], { description: 'The operations it may run by id (retired ones too when asked)' })
  async operations(
    @Root() client: ApiClient,
    @Arg('includeRetired', () => Boolean, { defaultValue: false }) includeRetired: boolean,
    @Ctx() ctx: TenantContext,
  ): Promise<PersistedOperation[]> {
    return (await ctx.apiClients.operations(client.name, includeRetired)).map((row) => Object.assign(new PersistedOperation(), row));
  }

  @FieldResolver(() => [PersistedQueryPublicationRecord], { description: 'Publish history, newest first' })
  async publications(
    @Root() client: ApiClient,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: TenantContext,
  ): Promise<PersistedQueryPublicationRecord[]> {
    return (await ctx.apiClients.publications(client.name, first)).map((row) => Object.assign(new PersistedQueryPublicationRecord(), row));
  }

  @Mutation(() => PersistedQueryPublication, {
    description: "Platform admin: register a client's persisted-query manifest, all of it or nothing (ids must be SHA-256 of bodies)",
  })
  async publishPersistedQueries(
    @Arg('input', () => PublishPersistedQueriesInput) input: PublishPersistedQueriesInput,
    @Ctx() ctx: TenantContext,
  ): Promise<PersistedQueryPublication> {
    const result = await ctx.apiClients.publish(
      { client: input.client, manifest: input.manifest, mode: input.mode ?? undefined, replace: input.replace ?? false },
      ctx,
    );
    return toPublication(result);
  }

  @Mutation(() => ApiClient, { description: "Platform admin: change a client's persisted-query mode or operation limits" })
  async updateApiClient(
    @Arg('input', () => UpdateApiClientInput) input: UpdateApiClientInput,
    @Ctx() ctx: TenantContext,
  ): Promise<ApiClient> {
    const limits = input.operationLimits ? { ...input.operationLimits } : undefined;
    return toApiClient(await ctx.apiClients.update({ client: input.client, mode: input.mode ?? undefined, operationLimits: limits }, ctx));
  }
}
