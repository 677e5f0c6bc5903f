import type { DataSource } from 'typeorm';
import { appendAuditEvent } from '@tenantry/audit-writer';
import { withTenantAsPlatform } from '@tenantry/tenancy';

export interface ExpiredTrial {
  tenantId: string;
  to: string;
}

/**
 * The trial-expiry job: every trial whose end has passed moves to the configured state
 * (config/plans.json `trial.onExpiry`, seeded into platform.lifecycle_policy), one tenant
 * per transaction with its audit event. Safe to run concurrently and repeatedly: each row is
 * re-checked under its lock. Reads already treat an expired trial as that state, so the job
 * only makes the stored status catch up.
 */
export async function expireTrials(dataSource: DataSource, options: { batch?: number } = {}): Promise<ExpiredTrial[]> {
  const due: { id: string }[] = await dataSource.query(
    `SELECT id FROM platform.tenants WHERE status = 'trial' AND trial_ends_at <= now() ORDER BY trial_ends_at LIMIT $1`,
    [options.batch ?? 500],
  );
  const expired: ExpiredTrial[] = [];
  for (const { id } of due) {
    const moved = await withTenantAsPlatform(dataSource, id, async (manager) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, rowCount].
      const [rows] = (await manager.query(
        `UPDATE platform.tenants t SET status = p.trial_expires_to, status_changed_at = now(), updated_at = now()
           FROM platform.lifecycle_policy p
          WHERE t.id = $1 AND t.status = 'trial' AND t.trial_ends_at <= now()
          RETURNING p.trial_expires_to AS to, t.trial_ends_at AS ended`,
        [id],
      )) as [{ to: string; ended: Date }[], number];
      const row = rows[0];
      if (!row) return undefined;
      await appendAuditEvent(manager, {
        action: 'tenant.trial_expired',
        actor: { kind: 'anonymous' },
        resourceType: 'tenant',
        resourceId: id,
        changes: { status: { from: 'trial', to: row.to }, trialEndedAt: { to: row.ended } },
      });
      return { tenantId: id, to: row.to };
    });
    if (moved) expired.push(moved);
  }
  return expired;
}
