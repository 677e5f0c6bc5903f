import type { DataSource, EntityManager } from 'typeorm';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { assertAccess, isTenantId, withTenantAsPlatform, type RequestDatabase, type TenantLifecycleStatus } from '@tenantry/tenancy';
import { isStaff, type Actor } from '../tenant/tenant.service';
import { PlanDomainError, PlanErrorCode, type QuotaViolation } from './plan.errors';

const CODE = /^[a-z][a-z0-9_]{0,62}$/;

export interface EffectiveQuota {
  tenantId: string;
  resource: string;
  period: 'absolute' | 'hour' | 'day' | 'month';
  unit: string;
  limit: number | null;
  overridden: boolean;
}

export interface CatalogPlan {
  code: string;
  name: string;
  priceCents: number;
  quotas: Record<string, number | null>;
  features: string[];
  retentionDays: number;
}

/**
 * Effective quotas of tenants: every declared resource, the plan's limit unless a per-tenant
 * override replaces it (NULL = unlimited). `plan` evaluates another plan for the same tenants.
 */
export async function effectiveQuotas(manager: EntityManager, tenantIds: readonly string[], plan?: string): Promise<EffectiveQuota[]> {
  const rows: {
    tenant_id: string;
    resource: string;
    period: EffectiveQuota['period'];
    unit: string;
    quota: string | null;
    overridden: boolean;
  }[] = await manager.query(
    `SELECT t.id AS tenant_id, r.code AS resource, r.period, r.unit,
              CASE WHEN o.tenant_id IS NOT NULL THEN o.quota ELSE (p.quotas ->> r.code)::bigint END AS quota,
              o.tenant_id IS NOT NULL AS overridden
         FROM platform.tenants t
         JOIN platform.plans p ON p.code = coalesce($2, t.plan)
        CROSS JOIN platform.plan_resources r
         LEFT JOIN platform.tenant_quota_overrides o ON o.tenant_id = t.id AND o.resource = r.code
        WHERE t.id = ANY($1::uuid[])
        ORDER BY t.id, r.code`,
    [tenantIds.filter(isTenantId), plan ?? null],
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    resource: r.resource,
    period: r.period,
    unit: r.unit,
    limit: r.quota === null ? null : Number(r.quota),
    overridden: r.overridden,
  }));
}

/** Effective features of tenants (plan + overrides on - overrides off), by the one SQL definition. */
export async function effectiveFeatures(manager: EntityManager, tenantIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows: { id: string; features: string[] }[] = await manager.query(
    `SELECT id, platform.tenant_features(id) AS features FROM platform.tenants WHERE id = ANY($1::uuid[])`,
    [tenantIds.filter(isTenantId)],
  );
  return new Map(rows.map((r) => [r.id, r.features]));
}

/**
 * What a tenant holds now, per resource a plan could limit. `users` is the membership count;
 * a monthly resource is this month's counter; an absolute one (projects, storage) its latest
 * counter. Hourly and daily rates are not holdings and reset on their own, so a plan change
 * never waits on them. Runs with the tenant's schema on the search_path.
 */
async function currentHoldings(manager: EntityManager, tenantId: string): Promise<Map<string, { month: number; latest: number }>> {
  const counters: { resource: string; month: string; latest: string }[] = await manager.query(
    `SELECT resource,
            coalesce(sum(used) FILTER (WHERE period_start = date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0)::text AS month,
            (array_agg(used ORDER BY period_start DESC))[1]::text AS latest
       FROM usage_counters GROUP BY resource`,
  );
  const holdings = new Map(counters.map((c) => [c.resource, { month: Number(c.month), latest: Number(c.latest) }]));
  const [{ users }] = (await manager.query(`SELECT count(*)::int AS users FROM platform.memberships WHERE tenant_id = $1`, [tenantId])) as {
    users: number;
  }[];
  holdings.set('users', { month: users, latest: users });
  return holdings;
}

export function violationsOf(quotas: EffectiveQuota[], holdings: Map<string, { month: number; latest: number }>): QuotaViolation[] {
  const violations: QuotaViolation[] = [];
  for (const quota of quotas) {
    if (quota.limit === null || quota.period === 'hour' || quota.period === 'day') continue;
    const held = holdings.get(quota.resource);
    const used = held ? (quota.period === 'month' ? held.month : held.latest) : 0;
    if (used > quota.limit) violations.push({ resource: quota.resource, limit: quota.limit, used });
  }
  return violations;
}

export class PlanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly db: RequestDatabase,
  ) {}

  async catalog(): Promise<CatalogPlan[]> {
    return this.db.platform(async (m) => {
      const rows: {
        code: string;
        name: string;
        price_cents: number;
        quotas: Record<string, number | null>;
        features: string[];
        retention_days: number;
      }[] = await m.query(
        `SELECT code, name, price_cents, quotas, features, retention_days FROM platform.plans WHERE NOT retired ORDER BY position`,
      );
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        priceCents: r.price_cents,
        quotas: r.quotas,
        features: r.features,
        retentionDays: r.retention_days,
      }));
    });
  }

  quotasOf(tenantIds: readonly string[]): Promise<EffectiveQuota[]> {
    return this.db.platform((m) => effectiveQuotas(m, tenantIds));
  }

  featuresOf(tenantIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.db.platform((m) => effectiveFeatures(m, tenantIds));
  }

  /**
   * Moves a tenant to another plan in one transaction: the registry row is locked, the new
   * plan's effective limits (with this tenant's overrides) are checked against what the tenant
   * holds, and a change that current usage would violate is refused with every offending limit
   * — unless platform staff force it, which the audit event records with the violations.
   */
  async changePlan(
    input: { tenantId?: string | null; plan: string; force?: boolean },
    actor: Actor & { tenantId?: string },
  ): Promise<string> {
    const staff = isStaff(actor.principal);
    const tenantId = input.tenantId ?? actor.tenantId;
    if (!tenantId || !isTenantId(tenantId) || (!staff && tenantId !== actor.tenantId)) {
      throw new PlanDomainError(PlanErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
    }
    if (input.force && !staff) throw new PlanDomainError(PlanErrorCode.FORCE_NEEDS_STAFF, 'Only platform staff can force a plan change');
    await this.assertPlan(input.plan);
    await this.assertTenant(tenantId);
    return withTenantAsPlatform(this.dataSource, tenantId, async (manager) => {
      const [row] = (await manager.query(
        `SELECT plan, platform.effective_tenant_status(status, trial_ends_at) AS status FROM platform.tenants WHERE id = $1 FOR UPDATE`,
        [tenantId],
      )) as { plan: string; status: TenantLifecycleStatus }[];
      if (!row) throw new PlanDomainError(PlanErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
      // A tenant's own owner is bound by its status (suspended: TENANT_SUSPENDED); staff are not.
      if (!staff) assertAccess(row.status, 'write');
      if (row.plan === input.plan) return row.plan;
      const violations = violationsOf(await effectiveQuotas(manager, [tenantId], input.plan), await currentHoldings(manager, tenantId));
      if (violations.length > 0 && !input.force) {
        const list = violations.map((v) => `${v.resource} (limit ${v.limit}, used ${v.used})`).join(', ');
        throw new PlanDomainError(PlanErrorCode.USAGE_EXCEEDS_PLAN, `Current usage exceeds plan ${input.plan}: ${list}`, {
          plan: input.plan,
          violations,
        });
      }
      await manager.query(`UPDATE platform.tenants SET plan = $2, updated_at = now() WHERE id = $1`, [tenantId, input.plan]);
      await appendAuditEvent(manager, {
        action: violations.length > 0 ? 'tenant.plan_changed_forced' : 'tenant.plan_changed',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenantId,
        changes: { plan: { from: row.plan, to: input.plan }, ...(violations.length > 0 ? { violations: { to: violations } } : {}) },
        requestId: actor.requestId,
      });
      return input.plan;
    });
  }

  /** Replaces (or, with remove, drops) one quota of one tenant; audited in the tenant's trail. */
  async setQuotaOverride(
    input: { tenantId: string; resource: string; limit?: number | null; remove?: boolean },
    actor: Actor,
  ): Promise<void> {
    if (input.limit != null && (!Number.isSafeInteger(input.limit) || input.limit < 0)) {
      throw new PlanDomainError(PlanErrorCode.INVALID_LIMIT, 'limit must be a whole number, 0 or more (null = unlimited)');
    }
    await this.assertTenant(input.tenantId);
    await withTenantAsPlatform(this.dataSource, input.tenantId, async (manager) => {
      const [resource] = (await manager.query(`SELECT 1 FROM platform.plan_resources WHERE code = $1`, [input.resource])) as unknown[];
      if (!resource) throw new PlanDomainError(PlanErrorCode.UNKNOWN_RESOURCE, `No resource ${input.resource} in the catalog`);
      const [previous] = (await manager.query(
        `SELECT quota FROM platform.tenant_quota_overrides WHERE tenant_id = $1 AND resource = $2 FOR UPDATE`,
        [input.tenantId, input.resource],
      )) as { quota: string | null }[];
      if (input.remove) {
        await manager.query(`DELETE FROM platform.tenant_quota_overrides WHERE tenant_id = $1 AND resource = $2`, [
          input.tenantId,
          input.resource,
        ]);
      } else {
        await manager.query(
          `INSERT INTO platform.tenant_quota_overrides (tenant_id, resource, quota) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, resource) DO UPDATE SET quota = EXCLUDED.quota, updated_at = now()`,
          [input.tenantId, input.resource, input.limit ?? null],
        );
      }
      await appendAuditEvent(manager, {
        action: input.remove ? 'tenant.quota_override_removed' : 'tenant.quota_overridden',
        actor: actor.principal,
        resourceType: 'quota',
        resourceId: input.resource,
        changes: {
          limit: {
            from: previous ? (previous.quota === null ? 'unlimited' : Number(previous.quota)) : 'plan',
            to: input.remove ? 'plan' : input.limit == null ? 'unlimited' : input.limit,
          },
        },
        requestId: actor.requestId,
      });
    });
  }

  /** Grants or withholds one feature for one tenant, or (enabled null) goes back to the plan's. */
  async setFeatureOverride(input: { tenantId: string; feature: string; enabled?: boolean | null }, actor: Actor): Promise<void> {
    if (!CODE.test(input.feature)) throw new PlanDomainError(PlanErrorCode.INVALID_FEATURE, 'feature must be a code like custom_branding');
    await this.assertTenant(input.tenantId);
    await withTenantAsPlatform(this.dataSource, input.tenantId, async (manager) => {
      const [previous] = (await manager.query(
        `SELECT enabled FROM platform.tenant_feature_overrides WHERE tenant_id = $1 AND feature = $2 FOR UPDATE`,
        [input.tenantId, input.feature],
      )) as { enabled: boolean }[];
      if (input.enabled == null) {
        await manager.query(`DELETE FROM platform.tenant_feature_overrides WHERE tenant_id = $1 AND feature = $2`, [
          input.tenantId,
          input.feature,
        ]);
      } else {
        await manager.query(
          `INSERT INTO platform.tenant_feature_overrides (tenant_id, feature, enabled) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, feature) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
          [input.tenantId, input.feature, input.enabled],
        );
      }
      await appendAuditEvent(manager, {
        action: input.enabled == null ? 'tenant.feature_override_removed' : 'tenant.feature_overridden',
        actor: actor.principal,
        resourceType: 'feature',
        resourceId: input.feature,
        changes: { enabled: { from: previous ? previous.enabled : 'plan', to: input.enabled ?? 'plan' } },
        requestId: actor.requestId,
      });
    });
  }

  private async assertPlan(code: string): Promise<void> {
    const [known] = (await this.db.platform((m) =>
      m.query(`SELECT 1 FROM platform.plans WHERE code = $1 AND NOT retired`, [code]),
    )) as unknown[];
    if (!known) throw new PlanDomainError(PlanErrorCode.UNKNOWN_PLAN, `No plan ${code} in the catalog`, { field: 'plan' });
  }

  private async assertTenant(tenantId: string): Promise<void> {
    if (!isTenantId(tenantId)) throw new PlanDomainError(PlanErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
    const [row] = (await this.db.platform((m) =>
      m.query(`SELECT 1 FROM platform.tenants WHERE id = $1 AND status <> 'purged'`, [tenantId]),
    )) as unknown[];
    if (!row) throw new PlanDomainError(PlanErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
  }
}
