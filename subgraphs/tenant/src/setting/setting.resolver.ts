import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { TenantContext } from '../context';
import { SetTenantSettingInput } from './setting.input';
import { TenantSetting } from './setting.type';

const toType = (view: TenantSetting) => Object.assign(new TenantSetting(), view);

@Resolver(() => TenantSetting)
export class SettingResolver {
  @Query(() => [TenantSetting], { description: "Every setting of the request's tenant (secrets: whether set, never the value)" })
  async settings(@Ctx() ctx: TenantContext): Promise<TenantSetting[]> {
    return (await ctx.settings.list()).map(toType);
  }

  @Mutation(() => TenantSetting, { description: 'Admin or owner: set one setting (validated per key; secrets encrypted, write-only)' })
  async setTenantSetting(
    @Arg('input', () => SetTenantSettingInput) input: SetTenantSettingInput,
    @Ctx() ctx: TenantContext,
  ): Promise<TenantSetting> {
    return toType(await ctx.settings.set(input.key, input.value, ctx));
  }

  @Mutation(() => TenantSetting, { description: 'Admin or owner: remove a setting (back to its default)' })
  async clearTenantSetting(@Arg('key', () => String) key: string, @Ctx() ctx: TenantContext): Promise<TenantSetting> {
    return toType(await ctx.settings.clear(key, ctx));
  }
}
