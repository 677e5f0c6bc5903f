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

/** Runs `checkpointMovedChains` every `intervalMs` (never two passes at once); stop() waits for a running pass. */
export function startCheckpointTimer(
  intervalMs: number,
  dataSource: DataSource,
  signing: AuditSigningService,
  log: Logger,
): { stop: () => Promise<void> } {
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = checkpointMovedChains(dataSource, signing, log)
      .then((report) => {
        if (report.checkpointed > 0 || report.failed > 0) log.info(report, 'audit checkpoints signed');
      })
      .catch((error: unknown) => log.error({ err: error }, 'audit checkpoint pass failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
