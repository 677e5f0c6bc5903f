import { TenantReference } from '../tenant-reference/tenant-reference.type';
import type { MembershipEntity } from './membership.entity';
import { Membership, MemberRole, MemberStatus } from './membership.type';

export function toMembership(entity: MembershipEntity): Membership {
  return Object.assign(new Membership(), {
    role: entity.role as MemberRole,
    status: (entity.status ?? 'active') as MemberStatus,
    createdAt: entity.createdAt,
    userId: entity.userId,
    tenantId: entity.tenantId,
    tenant: Object.assign(new TenantReference(), { id: entity.tenantId }),
  });
}
