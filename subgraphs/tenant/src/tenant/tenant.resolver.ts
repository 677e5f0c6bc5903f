import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { TenantContext } from '../context';
import {
  ChangeTenantStatusInput,
  CreateTenantInput,
  RenameTenantInput,
  TenantFilter,
  TenantPageInput,
  UpdateTenantProfileInput,
} from './tenant.input';
import { toTenant } from './tenant.mapper';
import { exportTenant } from './tenant-export';
import { purgeTenant } from './tenant-purge';
import { Tenant, TenantConnection, TenantContact, TenantExport, TenantPurgeResult, TenantQuota, TenantStatus } from './tenant.type';

@Resolver(() => Tenant)
export class TenantResolver {
  @Query(() => Tenant, { nullable: true, description: "The request's tenant (from the token or X-Tenant-Id)" })
  async currentTenant(@Ctx() ctx: TenantContext): Promise<Tenant | null> {
    if (!ctx.tenantId) return null;
    const entity = await ctx.tenantById.load(ctx.tenantId);
    // A purged tenant's tombstone is for platform staff only.
    return entity && entity.status !== 'purged' ? toTenant(entity) : null;
  }

  @Query(() => Tenant, {
    nullable: true,
    description: "One tenant by id or slug (exactly one): the request's own, or any for platform staff",
  })
  async tenant(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('slug', () => String, { nullable: true }) slug: string | null,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant | null> {
    const entity = await ctx.tenants.findVisible({ id, slug }, ctx);
    return entity ? toTenant(entity) : null;
  }

  @Query(() => TenantConnection, { description: 'Platform staff: tenants, oldest first, filtered, with counts' })
  async tenants(
    @Arg('filter', () => TenantFilter, { nullable: true }) filter: TenantFilter | null,
    @Arg('page', () => TenantPageInput, { nullable: true }) page: TenantPageInput | null,
    @Ctx() ctx: TenantContext,
  ): Promise<TenantConnection> {
    const result = await ctx.tenants.list(filter ?? {}, page ?? {});
    const edges = result.rows.map((r) => ({ cursor: r.cursor, node: toTenant(r.tenant) }));
    return {
      edges,
      pageInfo: { hasNextPage: result.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: result.totalCount,
      countsByStatus: result.countsByStatus.map((c) => ({ status: c.status as TenantStatus, count: c.count })),
    };
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'The parent tenant, when this one belongs to a hierarchy' })
  async parent(@Root() tenant: Tenant, @Ctx() ctx: TenantContext): Promise<Tenant | null> {
    if (!tenant.parentId) return null;
    const entity = await ctx.tenantById.load(tenant.parentId);
    return entity ? toTenant(entity) : null;
  }

  @FieldResolver(() => [Tenant], { description: 'Direct child tenants (plans with tenant_hierarchy, or platform staff)' })
  async children(@Root() tenant: Tenant, @Ctx() ctx: TenantContext): Promise<Tenant[]> {
    return (await ctx.childrenByTenant.load(tenant.id)).map(toTenant);
  }

  @FieldResolver(() => TenantContact, { description: 'Admins of this tenant and platform staff only' })
  contact(@Root() tenant: Tenant): TenantContact {
    return tenant.contactDetails;
  }

  @FieldResolver(() => [String], { description: "Effective feature codes: the plan's, with this tenant's overrides" })
  async features(@Root() tenant: Tenant, @Ctx() ctx: TenantContext): Promise<string[]> {
    return ctx.featuresByTenant.load(tenant.id);
  }

  @FieldResolver(() => [TenantQuota], { description: "Effective quotas: the plan's, with this tenant's overrides" })
  async quotas(@Root() tenant: Tenant, @Ctx() ctx: TenantContext): Promise<TenantQuota[]> {
    return (await ctx.quotasByTenant.load(tenant.id)).map((q) => Object.assign(new TenantQuota(), q));
  }

  @Mutation(() => Tenant, { description: 'Platform staff: provision a tenant (schema and tables) atomically' })
  async createTenant(@Arg('input', () => CreateTenantInput) input: CreateTenantInput, @Ctx() ctx: TenantContext): Promise<Tenant> {
    return toTenant(await ctx.tenants.create(input, ctx));
  }

  @Mutation(() => Tenant, { description: "Admin or owner: rename the request's tenant" })
  async renameTenant(@Arg('input', () => RenameTenantInput) input: RenameTenantInput, @Ctx() ctx: TenantContext): Promise<Tenant> {
    return toTenant(await ctx.tenants.renameCurrent(input.name, ctx));
  }

  @Mutation(() => Tenant, { description: "Admin or owner: contact, time zone and locale of the request's tenant" })
  async updateTenantProfile(
    @Arg('input', () => UpdateTenantProfileInput) input: UpdateTenantProfileInput,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant> {
    return toTenant(await ctx.tenants.updateProfile(input, ctx));
  }

  @Mutation(() => TenantExport, {
    description: "Owner (or platform admin with X-Tenant-Id): the request tenant's data as one bundle; works for cancelled tenants too",
  })
  async exportTenantData(@Ctx() ctx: TenantContext): Promise<TenantExport> {
    const bundle = await exportTenant(ctx.dataSource, ctx.db, ctx);
    return Object.assign(new TenantExport(), {
      format: bundle.format,
      generatedAt: new Date(bundle.generatedAt),
      json: JSON.stringify(bundle),
    });
  }

  @Mutation(() => TenantPurgeResult, {
    description: 'Platform admin: cancelled -> purged. Drops the schema, role and platform rows; idempotent',
  })
  async purgeTenant(@Arg('tenantId', () => ID) tenantId: string, @Ctx() ctx: TenantContext): Promise<TenantPurgeResult> {
    return Object.assign(new TenantPurgeResult(), await purgeTenant(ctx.dataSource, tenantId, ctx));
  }

  @Mutation(() => Tenant, { description: 'Platform admin: move a tenant under another tenant, or to the top (parentId null)' })
  async changeTenantParent(
    @Arg('tenantId', () => ID) tenantId: string,
    @Arg('parentId', () => ID, { nullable: true }) parentId: string | null,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant> {
    return toTenant(await ctx.tenants.changeParent(tenantId, parentId ?? null, ctx));
  }

  @Mutation(() => Tenant, { description: 'Platform admin: move a tenant along its lifecycle' })
  async changeTenantStatus(
    @Arg('input', () => ChangeTenantStatusInput) input: ChangeTenantStatusInput,
    @Ctx() ctx: TenantContext,
  ): Promise<Tenant> {
    return toTenant(await ctx.tenants.changeStatus(input.tenantId, input.status, ctx));
  }
}
