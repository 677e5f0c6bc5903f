import { appendAuditEvent } from '@tenantry/audit-writer';
import { isTenantId, type RequestDatabase } from '@tenantry/tenancy';
import type { Actor } from '../tenant/tenant.service';
import { validateColor, validateCss, validateLogoUrl } from './branding.validation';

export interface Branding {
  logoUrl: string | null;
  primaryColor: string | null;
  accentColor: string | null;
  customCss: string | null;
}

const EMPTY: Branding = { logoUrl: null, primaryColor: null, accentColor: null, customCss: null };
const COLUMNS = { logoUrl: 'logo_url', primaryColor: 'primary_color', accentColor: 'accent_color', customCss: 'custom_css' } as const;

type Row = {
  tenant_id: string;
  logo_url: string | null;
  primary_color: string | null;
  accent_color: string | null;
  custom_css: string | null;
};
const toBranding = (row: Row | undefined): Branding =>
  row ? { logoUrl: row.logo_url, primaryColor: row.primary_color, accentColor: row.accent_color, customCss: row.custom_css } : { ...EMPTY };

export class BrandingService {
  constructor(private readonly db: RequestDatabase) {}

  /** Branding of many tenants in one query (tenants without a row get the empty branding). */
  async of(tenantIds: readonly string[]): Promise<Map<string, Branding>> {
    const rows: Row[] = await this.db.platform((m) =>
      m.query(`SELECT * FROM platform.tenant_branding WHERE tenant_id = ANY($1::uuid[])`, [tenantIds.filter(isTenantId)]),
    );
    const byId = new Map(rows.map((r) => [r.tenant_id, toBranding(r)]));
    return new Map(tenantIds.map((id) => [id, byId.get(id) ?? { ...EMPTY }]));
  }

  /** Updates the request tenant's branding (tenant role, RLS-bound to its own row), audited. */
  async update(changes: Partial<Branding>, actor: Actor): Promise<Branding> {
    const next: Partial<Branding> = {};
    if (changes.logoUrl !== undefined) next.logoUrl = validateLogoUrl(changes.logoUrl);
    if (changes.primaryColor !== undefined) next.primaryColor = validateColor('primaryColor', changes.primaryColor);
    if (changes.accentColor !== undefined) next.accentColor = validateColor('accentColor', changes.accentColor);
    if (changes.customCss !== undefined) next.customCss = validateCss(changes.customCss);
    const tenantId = this.db.tenantId!;
    return this.db.tenantWrite(async (manager) => {
      const [current] = (await manager.query(`SELECT * FROM platform.tenant_branding WHERE tenant_id = $1 FOR UPDATE`, [
        tenantId,
      ])) as Row[];
      const before = toBranding(current);
      const after = { ...before, ...next };
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of Object.keys(next) as (keyof Branding)[]) {
        if (before[field] !== after[field]) {
          // CSS can be 10 KiB: the audit trail records that it changed and its size, not the sheet.
          diff[field] =
            field === 'customCss'
              ? {
                  from: before.customCss === null ? null : Buffer.byteLength(before.customCss),
                  to: after.customCss === null ? null : Buffer.byteLength(after.customCss),
                }
              : { from: before[field], to: after[field] };
        }
      }
      if (Object.keys(diff).length === 0) return before;
      await manager.query(
        `INSERT INTO platform.tenant_branding (tenant_id, ${Object.values(COLUMNS).join(', ')}) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id) DO UPDATE SET logo_url = EXCLUDED.logo_url, primary_color = EXCLUDED.primary_color,
           accent_color = EXCLUDED.accent_color, custom_css = EXCLUDED.custom_css, updated_at = now()`,
        [tenantId, after.logoUrl, after.primaryColor, after.accentColor, after.customCss],
      );
      await appendAuditEvent(manager, {
        action: 'tenant.branding_updated',
        actor: actor.principal,
        resourceType: 'tenant',
        resourceId: tenantId,
        changes: diff,
        requestId: actor.requestId,
      });
      return after;
    });
  }
}
