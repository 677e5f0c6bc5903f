import type { TenantEntity } from './tenant.entity';
import { Tenant, TenantStatus } from './tenant.type';

export function toTenant(entity: TenantEntity): Tenant {
  return Object.assign(new Tenant(), {
    id: entity.id,
    slug: entity.slug,
    name: entity.name,
    status: entity.status as TenantStatus,
    plan: entity.plan,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });
}
