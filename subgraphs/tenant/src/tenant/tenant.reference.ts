import type { TenantContext } from '../context';
import { toTenant } from './tenant.mapper';
import type { Tenant } from './tenant.type';

/**
 * Resolves `Tenant` representations from other subgraphs. A representation naming any tenant
 * but the request's own resolves to null, exactly like one that does not exist (platform
 * staff excepted).
 */
export async function resolveTenantReference(reference: { id: string }, ctx: TenantContext): Promise<Tenant | null> {
  const isStaff = ctx.principal.kind === 'user' && ctx.principal.platformRole !== undefined;
  if (!isStaff && reference.id !== ctx.tenantId) return null;
  const entity = await ctx.tenantById.load(reference.id);
  if (!entity || (!isStaff && entity.status === 'purged')) return null;
  return toTenant(entity);
}
