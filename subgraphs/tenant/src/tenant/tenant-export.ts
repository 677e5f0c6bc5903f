import type { DataSource } from 'typeorm';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { withTenantAsPlatform, type RequestDatabase } from '@tenantry/tenancy';
import { effectiveFeatures, effectiveQuotas } from '../plan/plan.service';
import { SETTING_DEFINITIONS } from '../setting/setting.definitions';
import type { Actor } from './tenant.service';

export const EXPORT_FORMAT = 'tenantry-export/1';

export interface TenantExportBundle {
  format: string;
  generatedAt: string;
  tenant: Record<string, unknown>;
  branding: Record<string, unknown> | null;
  plan: { code: string; features: string[]; quotas: { resource: string; limit: number | null }[] };
  members: Record<string, unknown>[];
  settings: { key: string; secret: boolean; value?: unknown; isSet: boolean }[];
  usageCounters: Record<string, unknown>[];
  auditEvents: Record<string, unknown>[];
}

/**
 * Everything the tenant owns, as one JSON bundle, read in the export unit (the tenant's own role,
 * read only — the one access a cancelled tenant keeps). Secret settings appear as set/unset,
 * never decrypted. The export itself is then audited in the tenant's trail.
 */
export async function exportTenant(dataSource: DataSource, db: RequestDatabase, actor: Actor): Promise<TenantExportBundle> {
  const tenantId = db.tenantId!;
  const bundle = await db.tenantExport(async (m) => {
    const [tenant] = (await m.query(
      `SELECT id, slug, name, status, plan, data_residency, parent_id, admin_email, billing_email, phone, timezone, locale,
              trial_ends_at, created_at, updated_at FROM platform.tenants WHERE id = $1`,
      [tenantId],
    )) as Record<string, unknown>[];
    const [branding] = (await m.query(
      `SELECT logo_url, primary_color, accent_color, custom_css, updated_at FROM platform.tenant_branding WHERE tenant_id = $1`,
      [tenantId],
    )) as Record<string, unknown>[];
    const members: Record<string, unknown>[] = await m.query(
      `SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at AS joined_at
         FROM platform.memberships m JOIN platform.users u ON u.id = m.user_id
        WHERE m.tenant_id = $1 ORDER BY m.created_at, u.id`,
      [tenantId],
    );
    const stored: { key: string; value: unknown; is_secret: boolean }[] = await m.query(
      `SELECT key, value, ciphertext IS NOT NULL AS is_secret FROM settings ORDER BY key`,
    );
    const byKey = new Map(stored.map((s) => [s.key, s]));
    const settings = SETTING_DEFINITIONS.map((d) => {
      const row = byKey.get(d.key);
      return d.secret
        ? { key: d.key, secret: true, isSet: row !== undefined }
        : { key: d.key, secret: false, isSet: row !== undefined, value: row?.value ?? d.default ?? null };
    });
    const usageCounters: Record<string, unknown>[] = await m.query(
      `SELECT resource, period_start, used FROM usage_counters ORDER BY resource, period_start`,
    );
    const auditEvents: Record<string, unknown>[] = await m.query(
      `SELECT id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id, occurred_at FROM audit_events ORDER BY seq`,
    );
    const quotas = await effectiveQuotas(m, [tenantId]);
    const features = (await effectiveFeatures(m, [tenantId])).get(tenantId) ?? [];
    return {
      format: EXPORT_FORMAT,
      generatedAt: new Date().toISOString(),
      tenant: tenant!,
      branding: branding ?? null,
      plan: { code: String(tenant!.plan), features, quotas: quotas.map((q) => ({ resource: q.resource, limit: q.limit })) },
      members,
      settings,
      usageCounters,
      auditEvents,
    };
  });
  await withTenantAsPlatform(dataSource, tenantId, (manager) =>
    appendAuditEvent(manager, {
      action: 'tenant.exported',
      actor: actor.principal,
      resourceType: 'tenant',
      resourceId: tenantId,
      changes: { format: { to: EXPORT_FORMAT } },
      requestId: actor.requestId,
    }),
  );
  return bundle;
}
