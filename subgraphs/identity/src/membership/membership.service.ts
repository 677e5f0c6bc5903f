import { appendAuditEvent } from '@tenantry/audit-writer';
import { roleAtLeast, type Principal, type TenantRole } from '@tenantry/auth';
import type { RequestDatabase } from '@tenantry/tenancy';
import type { EntityManager } from 'typeorm';
import { decodeMemberCursor, encodeMemberCursor } from './membership.cursor';
import { MembershipEntity } from './membership.entity';
import { MembershipDomainError, MembershipErrorCode } from './membership.errors';

export interface Actor {
  principal: Principal;
  requestId: string;
}

export interface MemberPage {
  rows: { membership: MembershipEntity; cursor: string }[];
  hasNextPage: boolean;
}

/** The shield rule checks this against the token; the service checks it against the database. */
const MANAGE_MEMBERS: TenantRole = 'admin';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Owners are all locked (any status); only active ones keep a tenant governable. */
function isLastActiveOwner(member: MembershipEntity, owners: MembershipEntity[]): boolean {
  return member.role === 'owner' && member.status === 'active' && owners.filter((o) => o.status === 'active').length <= 1;
}

function actorUserId(actor: Actor): string | undefined {
  return actor.principal.kind === 'user' ? actor.principal.userId : undefined;
}

export class MembershipService {
  constructor(private readonly db: RequestDatabase) {}

  /** Members of the request's tenant, oldest first. */
  list(limit: number): Promise<MembershipEntity[]> {
    return this.db.tenant((m) =>
      m.find(MembershipEntity, { where: { tenantId: this.db.tenantId! }, order: { createdAt: 'ASC', userId: 'ASC' }, take: limit }),
    );
  }

  /** One page of members, oldest first, optionally of one role and status; keyset-paginated. */
  async page(options: {
    first: number;
    after?: string | undefined;
    role?: TenantRole | undefined;
    status?: 'active' | 'suspended' | undefined;
  }): Promise<MemberPage> {
    const cursor = options.after === undefined ? undefined : decodeMemberCursor(options.after);
    if (options.after !== undefined && !cursor) throw new MembershipDomainError(MembershipErrorCode.INVALID_CURSOR, 'Invalid cursor');
    const rows: (MembershipEntity & { cursorAt: string })[] = await this.db.tenant((m) =>
      m.query(
        `SELECT tenant_id AS "tenantId", user_id AS "userId", role, status, created_at AS "createdAt", updated_at AS "updatedAt",
                created_at::text AS "cursorAt"
           FROM platform.memberships
          WHERE tenant_id = $1
            AND ($2::text IS NULL OR role = $2)
            AND ($6::text IS NULL OR status = $6)
            AND ($3::timestamptz IS NULL OR (created_at, user_id) > ($3::timestamptz, $4::uuid))
          ORDER BY created_at, user_id
          LIMIT $5`,
        [
          this.db.tenantId,
          options.role ?? null,
          cursor?.createdAt ?? null,
          cursor?.userId ?? null,
          options.first + 1,
          options.status ?? null,
        ],
      ),
    );
    return {
      hasNextPage: rows.length > options.first,
      rows: rows.slice(0, options.first).map(({ cursorAt, ...membership }) => ({
        membership: Object.assign(new MembershipEntity(), membership),
        cursor: encodeMemberCursor({ createdAt: cursorAt, userId: membership.userId }),
      })),
    };
  }

  /**
   * Removes someone from the tenant. Nobody removes a role above their own, and the last
   * owner cannot be removed. Their refresh fails from now on (docs/adr/0011).
   */
  async remove(userId: string, actor: Actor): Promise<void> {
    await this.db.tenant(async (manager) => {
      const { member, owners } = await this.lockForChange(manager, userId, false);
      const actorRole = await this.currentRole(manager, actor);
      if (!roleAtLeast(actorRole, MANAGE_MEMBERS) || !roleAtLeast(actorRole, member.role)) {
        throw new MembershipDomainError(MembershipErrorCode.ROLE_ABOVE_OWN, 'You cannot remove someone with a role above your own');
      }
      if (isLastActiveOwner(member, owners)) {
        throw new MembershipDomainError(MembershipErrorCode.LAST_OWNER, 'A tenant must keep at least one active owner');
      }
      await this.delete(manager, member, actor, userId === actorUserId(actor) ? 'member.left' : 'member.removed');
    });
  }

  /** The caller leaves the tenant; the last owner must transfer ownership first. */
  async leave(actor: Actor): Promise<void> {
    const self = actorUserId(actor);
    if (!self) throw new MembershipDomainError(MembershipErrorCode.MEMBER_NOT_FOUND, 'Member not found');
    await this.db.tenant(async (manager) => {
      const { member } = await this.lockForChange(manager, self);
      await this.delete(manager, member, actor, 'member.left');
    });
  }

  /**
   * An owner hands ownership to another member, explicitly: the member becomes owner and the
   * caller steps down to admin, in one transaction (the tenant never has no owner).
   */
  async transferOwnership(userId: string, actor: Actor): Promise<MembershipEntity> {
    const self = actorUserId(actor);
    if (userId === self) throw new MembershipDomainError(MembershipErrorCode.TRANSFER_TO_SELF, 'You already own this tenant');
    return this.db.tenant(async (manager) => {
      const { member: target } = await this.lockForChange(manager, userId);
      if (target.status !== 'active') {
        throw new MembershipDomainError(MembershipErrorCode.MEMBER_SUSPENDED, 'Ownership goes only to an active member');
      }
      if ((await this.currentRole(manager, actor)) !== 'owner') {
        throw new MembershipDomainError(MembershipErrorCode.ROLE_ABOVE_OWN, 'Only an owner can transfer ownership');
      }
      const now = new Date();
      await manager.update(MembershipEntity, { tenantId: target.tenantId, userId }, { role: 'owner', updatedAt: now });
      await manager.update(MembershipEntity, { tenantId: target.tenantId, userId: self! }, { role: 'admin', updatedAt: now });
      await appendAuditEvent(manager, {
        action: 'tenant.ownership_transferred',
        actor: actor.principal,
        resourceType: 'membership',
        resourceId: userId,
        changes: {
          owner: { from: self, to: userId },
          previousOwnerRole: { from: 'owner', to: 'admin' },
          role: { from: target.role, to: 'owner' },
        },
        requestId: actor.requestId,
      });
      return Object.assign(target, { role: 'owner' as TenantRole, updatedAt: now });
    });
  }

  /**
   * Suspends or reactivates a member: a suspended member keeps the seat but gets no new access
   * token (their next refresh fails) and manages nothing. Never above your own role, never the
   * last active owner.
   */
  async setStatus(userId: string, status: 'active' | 'suspended', actor: Actor): Promise<MembershipEntity> {
    return this.db.tenant(async (manager) => {
      const { member, owners } = await this.lockForChange(manager, userId, false);
      const actorRole = await this.currentRole(manager, actor);
      if (!roleAtLeast(actorRole, MANAGE_MEMBERS) || !roleAtLeast(actorRole, member.role)) {
        throw new MembershipDomainError(MembershipErrorCode.ROLE_ABOVE_OWN, 'You cannot suspend someone with a role above your own');
      }
      if (status === 'suspended' && isLastActiveOwner(member, owners)) {
        throw new MembershipDomainError(MembershipErrorCode.LAST_OWNER, 'A tenant must keep at least one active owner');
      }
      if (member.status === status) return member;
      const previous = member.status;
      const updatedAt = new Date();
      await manager.update(MembershipEntity, { tenantId: member.tenantId, userId }, { status, updatedAt });
      await appendAuditEvent(manager, {
        action: status === 'suspended' ? 'member.suspended' : 'member.reactivated',
        actor: actor.principal,
        resourceType: 'membership',
        resourceId: userId,
        changes: { status: { from: previous, to: status } },
        requestId: actor.requestId,
      });
      return Object.assign(member, { status, updatedAt });
    });
  }

  /**
   * The actor's role as the database has it now, not as their access token had it when issued:
   * a demoted or removed admin stops granting and removing at once, not when the token expires.
   */
  private async currentRole(manager: EntityManager, actor: Actor): Promise<TenantRole | undefined> {
    const self = actorUserId(actor);
    if (!self) return undefined;
    const row = await manager.findOneBy(MembershipEntity, { tenantId: this.db.tenantId!, userId: self, status: 'active' });
    return row?.role;
  }

  /** Locks the tenant's owners and the member (owners first, like changeRole: one lock order). */
  private async lockForChange(
    manager: EntityManager,
    userId: string,
    guardLastOwner = true,
  ): Promise<{ member: MembershipEntity; owners: MembershipEntity[] }> {
    if (!UUID.test(userId)) throw new MembershipDomainError(MembershipErrorCode.MEMBER_NOT_FOUND, 'Member not found');
    const owners = await manager.find(MembershipEntity, {
      where: { tenantId: this.db.tenantId!, role: 'owner' },
      lock: { mode: 'pessimistic_write' },
    });
    const member = await manager.findOne(MembershipEntity, {
      where: { tenantId: this.db.tenantId!, userId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!member) throw new MembershipDomainError(MembershipErrorCode.MEMBER_NOT_FOUND, 'Member not found');
    if (guardLastOwner && isLastActiveOwner(member, owners)) {
      throw new MembershipDomainError(MembershipErrorCode.LAST_OWNER, 'A tenant must keep at least one active owner');
    }
    return { member, owners };
  }

  private async delete(manager: EntityManager, member: MembershipEntity, actor: Actor, action: 'member.removed' | 'member.left') {
    await manager.delete(MembershipEntity, { tenantId: member.tenantId, userId: member.userId });
    await appendAuditEvent(manager, {
      action,
      actor: actor.principal,
      resourceType: 'membership',
      resourceId: member.userId,
      changes: { role: { from: member.role } },
      requestId: actor.requestId,
    });
  }

  /**
   * Changes a member's role. Nobody grants or removes a role above their own, and a tenant
   * never loses its last owner (owners are locked while counting, so two concurrent demotions
   * cannot both pass).
   */
  async changeRole(userId: string, role: TenantRole, actor: Actor): Promise<MembershipEntity> {
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
      const actorRole = await this.currentRole(manager, actor);
      if (!roleAtLeast(actorRole, MANAGE_MEMBERS) || !roleAtLeast(actorRole, role) || !roleAtLeast(actorRole, member.role)) {
        throw new MembershipDomainError(MembershipErrorCode.ROLE_ABOVE_OWN, 'You cannot grant or remove a role above your own');
      }
      if (role !== 'owner' && isLastActiveOwner(member, owners)) {
        throw new MembershipDomainError(MembershipErrorCode.LAST_OWNER, 'A tenant must keep at least one active owner');
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
