import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { TenantContext } from '../context';
import { toTenant } from '../tenant/tenant.mapper';
import { Tenant } from '../tenant/tenant.type';
import { ChangeTenantPlanInput, SetFeatureOverrideInput, SetQuotaOverrideInput } from './plan.input';
import { Plan } from './plan.type';

@Resolver(() => Plan)
export class PlanResolver {
  @Query(() => [Plan], { description: 'The plan catalog' })
  async plans(@Ctx() ctx: TenantContext): Promise<Plan[]> {
    return (await ctx.plans.catalog()).map((p) => ({
      ...p,
      quotas: Object.entries(p.quotas).map(([resource, limit]) => ({ resource, limit })),
    }));
  }

  @Mutation(() => Tenant, {
    description: "Owner: move the request's tenant to another plan; platform admin: any tenant, optionally forced past usage",
  })
  async changeTenantPlan(
    @Arg('input', () => ChangeTenantPlanInput) input: ChangeTenantPlanInput,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant> {
    const tenantId = input.tenantId ?? ctx.tenantId!;
    await ctx.plans.changePlan(input, ctx);
    return this.reload(tenantId, ctx);
  }

  @Mutation(() => Tenant, { description: 'Platform admin: replace one quota of one tenant (or remove the override)' })
  async setTenantQuotaOverride(
    @Arg('input', () => SetQuotaOverrideInput) input: SetQuotaOverrideInput,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant> {
    await ctx.plans.setQuotaOverride(input, ctx);
    return this.reload(input.tenantId, ctx);
  }

  @Mutation(() => Tenant, { description: 'Platform admin: grant or withhold one feature for one tenant (null: back to the plan)' })
  async setTenantFeatureOverride(
    @Arg('input', () => SetFeatureOverrideInput) input: SetFeatureOverrideInput,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant> {
    await ctx.plans.setFeatureOverride(input, ctx);
    return this.reload(input.tenantId, ctx);
  }

  private async reload(tenantId: string, ctx: TenantContext): Promise<Tenant> {
    const [entity] = await ctx.tenants.findByIds([tenantId]);
    return toTenant(entity!);
  }
}
