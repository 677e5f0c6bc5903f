import type { DataSource } from 'typeorm';
import type { Logger } from '@tenantry/logging';
import { PLATFORM_SCHEMA, withPlatform, withTenant } from '@tenantry/tenancy';
import type { AuditSigningService } from '../audit-signing/audit-signing.service';
import { checkpointHead } from './audit-checkpoint.service';

export interface CheckpointRunReport {
  tenants: number;
  checkpointed: number;
  failed: number;
}

/**
 * One pass of the periodic job: every tenant whose chain moved since its last checkpoint
 * gets a new one, each in its own tenant transaction. A failing tenant is logged and skipped.
 */
export async function checkpointMovedChains(
  dataSource: DataSource,
  signing: AuditSigningService,
  log?: Logger,
): Promise<CheckpointRunReport> {
  const tenants = (await withPlatform(dataSource, (m) => m.query(`SELECT id FROM ${PLATFORM_SCHEMA}.tenants ORDER BY id`))) as {
    id: string;
  }[];
  const report: CheckpointRunReport = { tenants: tenants.length, checkpointed: 0, failed: 0 };
  for (const { id } of tenants) {
    try {
      const created = await withTenant(dataSource, id, (m) => checkpointHead(m, id, signing, { onlyIfMoved: true }));
      if (created) report.checkpointed++;
    } catch (error) {
      report.failed++;
      log?.error({ err: error, tenantId: id }, 'audit checkpoint failed');
    }
  }
  return report;
}
