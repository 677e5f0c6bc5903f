import type { DataSource } from 'typeorm';
import type { Logger } from '@tenantry/logging';
import { PLATFORM_SCHEMA, withPlatform, withTenant } from '@tenantry/tenancy';
import { settleExpiredLeases } from './quota/lease-ledger';
import { rollUpUsage } from './report/usage-rollup';

export interface MaintenanceReport {
  tenants: number;
  leasesSettled: number;
  bucketsRolled: number;
  failed: number;
}

/**
 * One pass of the usage job over every tenant that can write: expired quota leases are settled
 * (their unused units go back to the counter) and closed buckets of usage events are rolled up.
 * Each tenant in its own transaction; a failure is logged and skipped, the next pass retries.
 */
export async function runUsageMaintenance(
  dataSource: DataSource,
  now: Date,
  options: { graceMs: number; log?: Logger },
): Promise<MaintenanceReport> {
  const tenants = (await withPlatform(dataSource, (m) =>
    m.query(
      `SELECT id FROM ${PLATFORM_SCHEMA}.tenants WHERE ${PLATFORM_SCHEMA}.tenant_access_status(id) IN ('trial', 'active') ORDER BY id`,
    ),
  )) as { id: string }[];
  const report: MaintenanceReport = { tenants: tenants.length, leasesSettled: 0, bucketsRolled: 0, failed: 0 };
  for (const { id } of tenants) {
    try {
      await withTenant(
        dataSource,
        id,
        async (m) => {
          report.leasesSettled += await settleExpiredLeases(m, now);
          for (const pass of await rollUpUsage(m, now, options.graceMs)) report.bucketsRolled += pass.buckets;
        },
        'write',
      );
    } catch (error) {
      report.failed++;
      options.log?.error({ err: error, tenantId: id }, 'usage maintenance failed');
    }
  }
  return report;
}
