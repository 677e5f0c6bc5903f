import type { DataSource } from 'typeorm';
import type { Principal } from '@tenantry/auth';
import { dropTenantStorage, inTransaction, isTenantId } from '@tenantry/tenancy';
import { TenantDomainError, TenantErrorCode } from './tenant.errors';

export interface PurgeOutcome {
  tenantId: string;
  /** false when the tenant was already purged: nothing was done, nothing recorded again. */
  purged: boolean;
}

function actorOf(principal: Principal): { type: string; id: string | null } {
  if (principal.kind === 'user')
    return { type: principal.platformRole && !principal.role ? 'platform_staff' : 'user', id: principal.userId };
  if (principal.kind === 'api_key') return { type: 'api_key', id: principal.keyId };
  return { type: 'system', id: null };
}

/**
 * cancelled -> purged, in ONE transaction: the tenant's schema and role are dropped; its
 * memberships, data key, branding and overrides deleted; children detached; the registry row
 * kept as a tombstone with every personal detail scrubbed (so the id stays reserved and the
 * lifecycle ends in a state); and a `tenant.purged` event written to platform.tenant_lifecycle_events,
 * the one trail that outlives the schema. Running it again on a purged tenant does nothing.
 */
export async function purgeTenant(
  dataSource: DataSource,
  tenantId: string,
  actor: { principal: Principal; requestId: string },
): Promise<PurgeOutcome> {
  if (!isTenantId(tenantId)) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
  return inTransaction(dataSource, async (runner) => {
    const manager = runner.manager;
    const [row] = (await manager.query(`SELECT status, slug FROM platform.tenants WHERE id = $1 FOR UPDATE`, [tenantId])) as {
      status: string;
      slug: string;
    }[];
    if (!row) throw new TenantDomainError(TenantErrorCode.TENANT_NOT_FOUND, 'Tenant not found');
    if (row.status === 'purged') return { tenantId, purged: false };
    if (row.status !== 'cancelled') {
      throw new TenantDomainError(TenantErrorCode.INVALID_TRANSITION, `A ${row.status} tenant cannot be purged: cancel it first`, {
        from: row.status,
        to: 'purged',
      });
    }
    const dropped = await dropTenantStorage(manager, tenantId);
    const deleted: Record<string, number> = {};
    for (const table of [
      'memberships',
      'tenant_data_keys',
      'tenant_branding',
      'tenant_quota_overrides',
      'tenant_feature_overrides',
      'tenant_domains',
    ] as const) {
      const [, count] = (await manager.query(`DELETE FROM platform.${table} WHERE tenant_id = $1`, [tenantId])) as [unknown, number];
      deleted[table] = count;
    }
    await manager.query(`UPDATE platform.tenants SET parent_id = NULL, updated_at = now() WHERE parent_id = $1`, [tenantId]);
    await manager.query(
      `UPDATE platform.tenants
          SET status = 'purged', status_changed_at = now(), updated_at = now(),
              slug = $2, name = 'Purged tenant', admin_email = NULL, billing_email = NULL, phone = NULL, parent_id = NULL
        WHERE id = $1`,
      [tenantId, `purged-${tenantId.replace(/-/g, '')}`],
    );
    const who = actorOf(actor.principal);
    await manager.query(
      `INSERT INTO platform.tenant_lifecycle_events (tenant_id, action, actor_type, actor_id, changes, request_id)
       VALUES ($1, 'tenant.purged', $2, $3, $4, $5)`,
      [
        tenantId,
        who.type,
        who.id,
        JSON.stringify({
          status: { from: 'cancelled', to: 'purged' },
          slug: { from: row.slug },
          dropped: { to: dropped },
          deleted: { to: deleted },
        }),
        actor.requestId,
      ],
    );
    return { tenantId, purged: true };
  });
}
