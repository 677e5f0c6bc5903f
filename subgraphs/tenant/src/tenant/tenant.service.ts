import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { In, Not } from 'typeorm';
import { appendAuditEvent, appendPlatformAuditEvent } from '@tenantry/audit-writer';
import type { Principal } from '@tenantry/auth';
import { ConflictError } from '@tenantry/errors';
import { isTenantId, provisionTenant, withTenantAsPlatform, type RequestDatabase } from '@tenantry/tenancy';
import { TenantEntity, type DataResidencyValue, type TenantStatusValue } from './tenant.entity';
import { TenantDomainError, TenantErrorCode } from './tenant.errors';
import { canTransition } from './tenant-status';
import { validateEmail, validateLocale, validateName, validatePhone, validateSlug, validateTimezone } from './tenant.validation';

export { validateName, validateSlug } from './tenant.validation';

/** Root, child, grandchild: deep enough for agencies and their clients' departments. */
export const MAX_HIERARCHY_DEPTH = 3;
const MAX_PAGE = 100;

export interface Actor {
  principal: Principal;
  requestId: string;
}

export function isStaff(principal: Principal): boolean {
  return principal.kind === 'user' && principal.platformRole !== undefined;
}

export interface CreateTenantRequest {
  slug: string;
  name: string;
  plan?: string;
  dataResidency?: DataResidencyValue;
  parentId?: string | null;
  trial?: boolean;
  contact?: { adminEmail?: string | null; billingEmail?: string | null; phone?: string | null } | null;
  timezone?: string;
  locale?: string;
}

export interface ProfileChanges {
  contact?: { adminEmail?: string | null; billingEmail?: string | null; phone?: string | null } | null;
  timezone?: string | null;
  locale?: string | null;
}

export interface TenantListFilter {
  status?: TenantStatusValue | null;
  plan?: string | null;
  dataResidency?: DataResidencyValue | null;
  parentId?: string | null;
}

export interface TenantPage {
  rows: { cursor: string; tenant: TenantEntity }[];
  hasNextPage: boolean;
  totalCount: number;
  countsByStatus: { status: TenantStatusValue; count: number }[];
}

/** Keyset cursor over (created_at, id), with created_at in whole microseconds so no precision is lost. */
export function encodeCursor(createdMicros: string, id: string): string {
  return Buffer.from(`${createdMicros}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdMicros: string; id: string } {
  const [createdMicros, id, extra] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (extra !== undefined || !createdMicros || !/^[0-9]{1,20}$/.test(createdMicros) || !isTenantId(id)) {
    throw new TenantDomainError(TenantErrorCode.INVALID_CURSOR, 'after must be a cursor from a previous page');
  }
  return { createdMicros, id };
}

export class TenantService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly db: RequestDatabase,
  ) {}

  /** Batch read for the DataLoader: platform registry rows by id, in one query. */
  async findByIds(ids: readonly string[]): Promise<TenantEntity[]> {
    const valid = ids.filter(isTenantId);
    if (valid.length === 0) return [];
    return this.db.platform((m) => m.find(TenantEntity, { where: { id: In(valid) } }));
  }

  /** Direct children of the given tenants, oldest first (purged ones are gone for good). */
  async findChildren(parentIds: readonly string[]): Promise<TenantEntity[]> {
    const valid = parentIds.filter(isTenantId);
    if (valid.length === 0) return [];
    return this.db.platform((m) =>
      m.find(TenantEntity, { where: { parentId: In(valid), status: Not('purged') }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  /**
   * One tenant by id or slug, if the caller may see it: platform staff see any tenant, everyone
   * else only the request's own (another tenant is indistinguishable from a missing one).
   */
  async findVisible(by: { id?: string | null; slug?: string | null }, actor: Actor & { tenantId?: string }): Promise<TenantEntity | null> {
    if ((by.id ? 1 : 0) + (by.slug ? 1 : 0) !== 1) {
      throw new TenantDomainError(TenantErrorCode.INVALID_LOOKUP, 'Give exactly one of id or slug');
    }
    if (by.id && !isTenantId(by.id)) return null;
    const where = by.id ? { id: by.id } : { slug: by.slug! };
    const tenant = await this.db.platform((m) => m.findOneBy(TenantEntity, where));
    if (!tenant) return null;
    return isStaff(actor.principal) || tenant.id === actor.tenantId ? tenant : null;
  }

  /** Staff listing: filters, keyset pagination (oldest first), total and per-status counts. */
  async list(filter: TenantListFilter, page: { first?: number; after?: string | null }): Promise<TenantPage> {
    const first = page.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new TenantDomainError(TenantErrorCode.INVALID_PAGE_SIZE, `first must be 1 to ${MAX_PAGE}`);
    }
    const after = page.after ? decodeCursor(page.after) : undefined;
    if (filter.parentId && !isTenantId(filter.parentId)) return { rows: [], hasNextPage: false, totalCount: 0, countsByStatus: [] };
    return this.db.platform(async (m) => {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        conditions.push(sql(`$${params.length}`));
      };
      if (filter.plan) add((p) => `t.plan = ${p}`, filter.plan);
      if (filter.dataResidency) add((p) => `t.data_residency = ${p}`, filter.dataResidency);
      if (filter.parentId) add((p) => `t.parent_id = ${p}::uuid`, filter.parentId);
      const withoutStatus = [...conditions];
      const statusParams = [...params];
      if (filter.status) add((p) => `t.status = ${p}`, filter.status);
      const matching = [...conditions];
      const countParams = [...params];
      if (after) {
        params.push(after.createdMicros, after.id);
        conditions.push(
          `(t.created_at, t.id) > ('epoch'::timestamptz + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`,
        );
      }
      const where = (list: string[]) => (list.length ? `WHERE ${list.join(' AND ')}` : '');
      params.push(first + 1);
      const keys: { id: string; created_us: string }[] = await m.query(
        `SELECT t.id, (extract(epoch FROM t.created_at) * 1000000)::bigint::text AS created_us
           FROM platform.tenants t ${where(conditions)}
          ORDER BY t.created_at, t.id LIMIT $${params.length}`,
        params,
      );
      const pageKeys = keys.slice(0, first);
      const entities = pageKeys.length ? await m.find(TenantEntity, { where: { id: In(pageKeys.map((k) => k.id)) } }) : [];
      const byId = new Map(entities.map((e) => [e.id, e]));
      const [{ count }] = (await m.query(`SELECT count(*)::int AS count FROM platform.tenants t ${where(matching)}`, countParams)) as {
        count: number;
      }[];
      const counts: { status: TenantStatusValue; count: number }[] = await m.query(
        `SELECT t.status, count(*)::int AS count FROM platform.tenants t ${where(withoutStatus)} GROUP BY t.status ORDER BY t.status`,
        statusParams,
      );
      return {
        rows: pageKeys.map((k) => ({ cursor: encodeCursor(k.created_us, k.id), tenant: byId.get(k.id)! })),
        hasNextPage: keys.length > first,
        totalCount: count,
        countsByStatus: counts,
      };
    });
  }

  /** Provisions atomically: registry row, role, schema, every tenant migration, hierarchy check, audit event. */
  async create(input: CreateTenantRequest, actor: Actor): Promise<TenantEntity> {
    const id = randomUUID();
    const slug = validateSlug(input.slug);
    const name = validateName(input.name);
    const plan = input.plan ?? 'free';
    const timezone = validateTimezone(input.timezone ?? 'UTC');
    const locale = validateLocale(input.locale ?? 'en-US');
    const adminEmail = validateEmail('adminEmail', input.contact?.adminEmail ?? null);
    const billingEmail = validateEmail('billingEmail', input.contact?.billingEmail ?? null);
    const phone = validatePhone(input.contact?.phone ?? null);
    const parentId = input.parentId ?? null;
    if (parentId !== null && !isTenantId(parentId)) {
      throw new TenantDomainError(TenantErrorCode.PARENT_NOT_FOUND, 'Parent tenant not found', { field: 'parentId' });
    }
    const policy = await this.db.platform(async (m) => {
      const [known] = (await m.query(`SELECT 1 FROM platform.plans WHERE code = $1 AND NOT retired`, [plan])) as unknown[];
      if (!known) throw new TenantDomainError(TenantErrorCode.UNKNOWN_PLAN, `No plan ${plan} in the catalog`, { field: 'plan' });
      const [row] = (await m.query(`SELECT trial_days FROM platform.lifecycle_policy`)) as { trial_days: number }[];
      return row ?? { trial_days: 14 };
    });
    const trialEndsAt = input.trial ? new Date(Date.now() + policy.trial_days * 86_400_000) : null;
    try {
      await provisionTenant(
        this.dataSource,
        {
          id,
          slug,
          name,
          plan,
          status: input.trial ? 'trial' : 'active',
          dataResidency: input.dataResidency ?? 'us',
          parentId,
          adminEmail,
          billingEmail,
          phone,
          timezone,
          locale,
          trialEndsAt,
        },
        {
          beforeCommit: async (manager) => {
            if (parentId) await assertHierarchyDepth(manager, parentId);
            const event = {
              action: 'tenant.created',
              actor: actor.principal,
              resourceType: 'tenant',
              resourceId: id,
              changes: {
                slug: { to: slug },
                name: { to: name },
                plan: { to: plan },
                status: { to: input.trial ? 'trial' : 'active' },
                dataResidency: { to: input.dataResidency ?? 'us' },
                ...(parentId ? { parentId: { to: parentId } } : {}),
              },
              requestId: actor.requestId,
            };
            // In the new tenant's trail and in the platform's own (creation is a platform act).
            await appendAuditEvent(manager, event);
            await appendPlatformAuditEvent(manager, { ...event, tenantId: id });
          },
        },
      );
    } catch (error) {
      if (error instanceof ConflictError && error.extensions.field === 'slug') {
        throw new TenantDomainError(TenantErrorCode.SLUG_TAKEN, 'A tenant with this slug already exists');
      }
      if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'tenants_parent_id_fkey') {
        throw new TenantDomainError(TenantErrorCode.PARENT_NOT_FOUND, 'Parent tenant not found', { field: 'parentId' });
      }
      throw error;
    }
    const [created] = await this.findByIds([id]);
    return created!;
  }

  /** Renames the request's own tenant; the change and its audit event commit together. */
  async renameCurrent(name: string, actor: Actor): Promise<TenantEntity> {
    const newName = validateName(name);
    return this.db.tenantWrite(async (manager) => {
      const tenant = await manager.findOneBy(TenantEntity, { id: this.db.tenantId! });
      if (!tenant) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      const previous = tenant.name;
      tenant.name = newName;
      tenant.updatedAt = new Date();
      await manager.update(TenantEntity, { id: tenant.id }, { name: newName, updatedAt: tenant.updatedAt });
      await appendAuditEvent(manager, {
        action: 'tenant.renamed',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenant.id,
        changes: { name: { from: previous, to: newName } },
        requestId: actor.requestId,
      });
      return tenant;
    });
  }

  /** Contact, time zone and locale of the request's own tenant; only the given fields change. */
  async updateProfile(changes: ProfileChanges, actor: Actor): Promise<TenantEntity> {
    const next: Partial<Pick<TenantEntity, 'adminEmail' | 'billingEmail' | 'phone' | 'timezone' | 'locale'>> = {};
    if (changes.timezone != null) next.timezone = validateTimezone(changes.timezone);
    if (changes.locale != null) next.locale = validateLocale(changes.locale);
    if (changes.contact) {
      if (changes.contact.adminEmail !== undefined) next.adminEmail = validateEmail('adminEmail', changes.contact.adminEmail);
      if (changes.contact.billingEmail !== undefined) next.billingEmail = validateEmail('billingEmail', changes.contact.billingEmail);
      if (changes.contact.phone !== undefined) next.phone = validatePhone(changes.contact.phone);
    }
    return this.db.tenantWrite(async (manager) => {
      const tenant = await manager.findOneBy(TenantEntity, { id: this.db.tenantId! });
      if (!tenant) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const [field, value] of Object.entries(next) as [keyof typeof next, string | null][]) {
        if (tenant[field] !== value) diff[field] = { from: tenant[field], to: value };
      }
      if (Object.keys(diff).length === 0) return tenant;
      const updatedAt = new Date();
      await manager.update(TenantEntity, { id: tenant.id }, { ...next, updatedAt });
      await appendAuditEvent(manager, {
        action: 'tenant.profile_updated',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenant.id,
        changes: diff,
        requestId: actor.requestId,
      });
      return Object.assign(tenant, next, { updatedAt });
    });
  }

  /**
   * Platform staff move a tenant along its lifecycle (the table in tenant-status.ts). The row is
   * locked, so two concurrent changes are serialised; the event lands in the tenant's own trail.
   */
  async changeStatus(tenantId: string, to: TenantStatusValue, actor: Actor): Promise<TenantEntity> {
    if (!isTenantId(tenantId)) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
    if (to === 'purged') {
      throw new TenantDomainError(TenantErrorCode.INVALID_TRANSITION, 'Purging drops the tenant’s data: use the purge operation', {
        from: null,
        to,
      });
    }
    await this.assertExists(tenantId);
    await withTenantAsPlatform(this.dataSource, tenantId, async (manager) => {
      const [row] = (await manager.query(`SELECT status FROM platform.tenants WHERE id = $1 FOR UPDATE`, [tenantId])) as {
        status: TenantStatusValue;
      }[];
      if (!row) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      if (row.status === to) return;
      if (!canTransition(row.status, to)) {
        throw new TenantDomainError(TenantErrorCode.INVALID_TRANSITION, `A ${row.status} tenant cannot become ${to}`, {
          from: row.status,
          to,
        });
      }
      await manager.query(`UPDATE platform.tenants SET status = $2, status_changed_at = now(), updated_at = now() WHERE id = $1`, [
        tenantId,
        to,
      ]);
      await appendAuditEvent(manager, {
        action: 'tenant.status_changed',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenantId,
        changes: { status: { from: row.status, to } },
        requestId: actor.requestId,
      });
    });
    const [updated] = await this.findByIds([tenantId]);
    return updated!;
  }

  /** Platform staff: move a tenant under another (or to the top); cycles and over-deep trees refused; audited. */
  async changeParent(tenantId: string, parentId: string | null, actor: Actor): Promise<TenantEntity> {
    if (!isTenantId(tenantId)) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
    if (parentId !== null && !isTenantId(parentId)) {
      throw new TenantDomainError(TenantErrorCode.PARENT_NOT_FOUND, 'Parent tenant not found', { field: 'parentId' });
    }
    await this.assertExists(tenantId);
    await withTenantAsPlatform(this.dataSource, tenantId, async (manager) => {
      const [row] = (await manager.query(`SELECT parent_id FROM platform.tenants WHERE id = $1 FOR UPDATE`, [tenantId])) as {
        parent_id: string | null;
      }[];
      if (!row) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      if (row.parent_id === parentId) return;
      if (parentId !== null) await assertCanReparent(manager, tenantId, parentId);
      await manager.query(`UPDATE platform.tenants SET parent_id = $2, updated_at = now() WHERE id = $1`, [tenantId, parentId]);
      await appendAuditEvent(manager, {
        action: 'tenant.parent_changed',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenantId,
        changes: { parentId: { from: row.parent_id, to: parentId } },
        requestId: actor.requestId,
      });
    });
    const [updated] = await this.findByIds([tenantId]);
    return updated!;
  }

  private async assertExists(tenantId: string): Promise<void> {
    const [found] = await this.findByIds([tenantId]);
    if (!found || found.status === 'purged') throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
  }
}

/** Serialises every change to the tenant hierarchy, so two concurrent moves cannot build a cycle together. */
const HIERARCHY_LOCK_KEY = 7_411_032;

/** Refuses a parent whose chain is already MAX_HIERARCHY_DEPTH - 1 long (or, defensively, loops). */
export async function assertHierarchyDepth(manager: EntityManager, parentId: string, subtreeHeight = 1): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [HIERARCHY_LOCK_KEY]);
  const [row] = (await manager.query(
    `WITH RECURSIVE chain (id, parent_id, depth, path) AS (
       SELECT id, parent_id, 1, ARRAY[id] FROM platform.tenants WHERE id = $1
       UNION ALL
       SELECT t.id, t.parent_id, c.depth + 1, c.path || t.id
         FROM platform.tenants t JOIN chain c ON t.id = c.parent_id
        WHERE NOT t.id = ANY(c.path) AND c.depth <= $2
     )
     SELECT max(depth)::int AS depth, count(*)::int AS found FROM chain`,
    [parentId, MAX_HIERARCHY_DEPTH],
  )) as { depth: number | null; found: number }[];
  if (!row || row.found === 0) {
    throw new TenantDomainError(TenantErrorCode.PARENT_NOT_FOUND, 'Parent tenant not found', { field: 'parentId' });
  }
  if ((row.depth ?? 0) + subtreeHeight > MAX_HIERARCHY_DEPTH) {
    throw new TenantDomainError(TenantErrorCode.HIERARCHY_TOO_DEEP, `Tenant hierarchies are at most ${MAX_HIERARCHY_DEPTH} levels deep`, {
      field: 'parentId',
      limit: MAX_HIERARCHY_DEPTH,
    });
  }
}

/**
 * Moves `tenantId` under `parentId` (or to the top with null) without ever forming a cycle:
 * the new parent's ancestors may not include the tenant, and the tenant's whole subtree must
 * still fit in MAX_HIERARCHY_DEPTH below its new parent.
 */
export async function assertCanReparent(manager: EntityManager, tenantId: string, parentId: string): Promise<void> {
  if (parentId === tenantId) {
    throw new TenantDomainError(TenantErrorCode.HIERARCHY_CYCLE, 'A tenant cannot be its own parent', { field: 'parentId' });
  }
  await manager.query('SELECT pg_advisory_xact_lock($1)', [HIERARCHY_LOCK_KEY]);
  const [ancestry] = (await manager.query(
    `WITH RECURSIVE up (id, parent_id, path) AS (
       SELECT id, parent_id, ARRAY[id] FROM platform.tenants WHERE id = $1
       UNION ALL
       SELECT t.id, t.parent_id, u.path || t.id FROM platform.tenants t JOIN up u ON t.id = u.parent_id WHERE NOT t.id = ANY(u.path)
     )
     SELECT bool_or(id = $2) AS cycle FROM up`,
    [parentId, tenantId],
  )) as { cycle: boolean | null }[];
  if (ancestry?.cycle) {
    throw new TenantDomainError(TenantErrorCode.HIERARCHY_CYCLE, 'The new parent is below this tenant: that would make a cycle', {
      field: 'parentId',
    });
  }
  const [{ height }] = (await manager.query(
    `WITH RECURSIVE down (id, level, path) AS (
       SELECT id, 1, ARRAY[id] FROM platform.tenants WHERE id = $1
       UNION ALL
       SELECT t.id, d.level + 1, d.path || t.id FROM platform.tenants t JOIN down d ON t.parent_id = d.id WHERE NOT t.id = ANY(d.path)
     )
     SELECT max(level)::int AS height FROM down`,
    [tenantId],
  )) as { height: number }[];
  await assertHierarchyDepth(manager, parentId, height);
}
