import type { TenantEntity } from './tenant.entity';
import { DataResidency, Tenant, TenantContact, TenantStatus } from './tenant.type';

export function toTenant(entity: TenantEntity): Tenant {
  return Object.assign(new Tenant(), {
    id: entity.id,
    slug: entity.slug,
    name: entity.name,
    status: (entity.effectiveStatus ?? entity.status) as TenantStatus,
    plan: entity.plan,
    dataResidency: entity.dataResidency as DataResidency,
    timezone: entity.timezone,
    locale: entity.locale,
    trialEndsAt: entity.trialEndsAt,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
    parentId: entity.parentId,
    contactDetails: Object.assign(new TenantContact(), {
      adminEmail: entity.adminEmail,
      billingEmail: entity.billingEmail,
      phone: entity.phone,
    }),
  });
}
