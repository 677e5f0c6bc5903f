import type { DataSource } from 'typeorm';
import type { Logger } from '@tenantry/logging';
import { PLATFORM_SCHEMA, withPlatform, withTenant } from '@tenantry/tenancy';
import type { AuditSigningService } from '../audit-signing/audit-signing.service';
import { PLATFORM_CHAIN_ID, checkpointHead } from './audit-checkpoint.service';

export interface CheckpointRunReport {
  tenants: number;
  checkpointed: number;
  failed: number;
}

/**
 * One pass of the periodic job: the platform chain and every tenant chain that moved since
 * its last checkpoint gets a new one, each in its own transaction. A failure is logged and skipped.
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
  try {
    if (await withPlatform(dataSource, (m) => checkpointHead(m, PLATFORM_CHAIN_ID, signing, { onlyIfMoved: true }))) report.checkpointed++;
  } catch (error) {
    report.failed++;
    log?.error({ err: error }, 'platform audit checkpoint failed');
  }
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
