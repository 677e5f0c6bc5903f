import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context';
import { CreateApiKeyInput } from './api-key.input';
import type { ApiKeyRow } from './api-key.service';
import { ApiKey, CreatedApiKey } from './api-key.type';

function toApiKey(row: ApiKeyRow): ApiKey {
  return Object.assign(new ApiKey(), row);
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => [ApiKey], { description: "The tenant's API keys, newest first (never their secrets)" })
  async apiKeys(@Ctx() ctx: IdentityContext): Promise<ApiKey[]> {
    return (await ctx.apiKeys.list()).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey, { description: 'Create a partner key with scopes; the key is in this response only' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: IdentityContext): Promise<CreatedApiKey> {
    const { key, row } = await ctx.apiKeys.create(input, ctx);
    return Object.assign(new CreatedApiKey(), { key, apiKey: toApiKey(row) });
  }

  @Mutation(() => Boolean)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: IdentityContext): Promise<boolean> {
    await ctx.apiKeys.revoke(id, ctx);
    return true;
  }
}
