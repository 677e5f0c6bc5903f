import { appendAuditEvent } from '@tenantry/audit-writer';
import { roleAtLeast, type Principal, type TenantRole } from '@tenantry/auth';
import type { RequestDatabase } from '@tenantry/tenancy';
import { MembershipEntity } from './membership.entity';
import { MembershipDomainError, MembershipErrorCode } from './membership.errors';

export interface Actor {
  principal: Principal;
  requestId: string;
}

export class MembershipService {
  constructor(private readonly db: RequestDatabase) {}

  /** Members of the request's tenant, oldest first. */
  list(limit: number): Promise<MembershipEntity[]> {
    return this.db.tenant((m) =>
      m.find(MembershipEntity, { where: { tenantId: this.db.tenantId! }, order: { createdAt: 'ASC', userId: 'ASC' }, take: limit }),
    );
  }

  /**
   * Changes a member's role. Nobody grants or removes a role above their own, and a tenant
   * never loses its last owner (owners are locked while counting, so two concurrent demotions
   * cannot both pass).
   */
  async changeRole(userId: string, role: TenantRole, actor: Actor): Promise<MembershipEntity> {
    const actorRole = actor.principal.kind === 'user' ? actor.principal.role : undefined;
    return this.db.tenantWrite(async (manager) => {
      const owners = await manager.find(MembershipEntity, {
        where: { tenantId: this.db.tenantId!, role: 'owner' },
        lock: { mode: 'pessimistic_write' },
      });
      const member = await manager.findOne(MembershipEntity, {
        where: { tenantId: this.db.tenantId!, userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!member) throw new MembershipDomainError(MembershipErrorCode.MEMBER_NOT_FOUND, 'Member not found');
      if (!roleAtLeast(actorRole, role) || !roleAtLeast(actorRole, member.role)) {
        throw new MembershipDomainError(MembershipErrorCode.ROLE_ABOVE_OWN, 'You cannot grant or remove a role above your own');
      }
      if (member.role === 'owner' && role !== 'owner' && owners.length <= 1) {
        throw new MembershipDomainError(MembershipErrorCode.LAST_OWNER, 'A tenant must keep at least one owner');
      }
      const previous = member.role;
      if (previous === role) return member;
      member.role = role;
      member.updatedAt = new Date();
      await manager.update(MembershipEntity, { tenantId: member.tenantId, userId }, { role, updatedAt: member.updatedAt });
      await appendAuditEvent(manager, {
        action: 'member.role_changed',
        actor: actor.principal,
        resourceType: 'membership',
        resourceId: userId,
        changes: { role: { from: previous, to: role } },
        requestId: actor.requestId,
      });
      return member;
    });
  }
}

/** Adds a membership inside the caller's transaction (provisioning's first owner, seeding). */
export async function addMembership(
  manager: import('typeorm').EntityManager,
  tenantId: string,
  userId: string,
  role: TenantRole,
): Promise<void> {
  await manager.query(`INSERT INTO platform.memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, [tenantId, userId, role]);
}
