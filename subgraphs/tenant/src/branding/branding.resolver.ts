import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { TenantContext } from '../context';
import { Tenant } from '../tenant/tenant.type';
import { UpdateTenantBrandingInput } from './branding.input';
import { TenantBranding } from './branding.type';

@Resolver(() => Tenant)
export class BrandingResolver {
  @FieldResolver(() => TenantBranding)
  async branding(@Root() tenant: Tenant, @Ctx() ctx: TenantContext): Promise<TenantBranding> {
    return Object.assign(new TenantBranding(), await ctx.brandingByTenant.load(tenant.id));
  }

  @Mutation(() => TenantBranding, { description: "Admin or owner, plans with custom_branding: change the request tenant's branding" })
  async updateTenantBranding(
    @Arg('input', () => UpdateTenantBrandingInput) input: UpdateTenantBrandingInput,
    @Ctx() ctx: TenantContext,
  ): Promise<TenantBranding> {
    return Object.assign(new TenantBranding(), await ctx.branding.update(input, ctx));
  }
}
