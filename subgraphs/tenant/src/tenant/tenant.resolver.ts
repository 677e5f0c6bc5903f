import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { TenantContext } from '../context';
import { CreateTenantInput, RenameTenantInput } from './tenant.input';
import { toTenant } from './tenant.mapper';
import { Tenant } from './tenant.type';

@Resolver(() => Tenant)
export class TenantResolver {
  @Query(() => Tenant, { nullable: true, description: "The request's tenant (from the token or X-Tenant-Id)" })
  async currentTenant(@Ctx() ctx: TenantContext): Promise<Tenant | null> {
    if (!ctx.tenantId) return null;
    const entity = await ctx.tenantById.load(ctx.tenantId);
    return entity ? toTenant(entity) : null;
  }

  @Mutation(() => Tenant, { description: 'Platform staff: provision a tenant (schema and tables) atomically' })
  async createTenant(@Arg('input', () => CreateTenantInput) input: CreateTenantInput, @Ctx() ctx: TenantContext): Promise<Tenant> {
    return toTenant(await ctx.tenants.create(input, ctx));
  }

  @Mutation(() => Tenant, { description: "Admin or owner: rename the request's tenant" })
  async renameTenant(@Arg('input', () => RenameTenantInput) input: RenameTenantInput, @Ctx() ctx: TenantContext): Promise<Tenant> {
    return toTenant(await ctx.tenants.renameCurrent(input.name, ctx));
  }
}
