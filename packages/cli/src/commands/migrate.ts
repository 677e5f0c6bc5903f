import { loadPlanCatalog, syncPlanCatalog } from '@tenantry/plans';
import { migratePlatform, migrateTenants, createDataSource } from '@tenantry/tenancy';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';

/**
 * `migrate [--concurrency N] [--tenant ID ...] [--json]`: platform first, then every tenant
 * behind the latest version. One line per tenant; exit 1 when any tenant failed (the others
 * are migrated regardless, and a rerun resumes with the ones still behind).
 */
export async function migrateCommand(args: string[], config: CliConfig): Promise<number> {
  const json = args.includes('--json');
  const concurrency = Number(valueOf(args, '--concurrency') ?? config.MIGRATE_CONCURRENCY);
  const tenantIds = args.flatMap((arg, i) => (arg === '--tenant' && args[i + 1] ? [args[i + 1]!] : []));
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const db = await openDatabase(config, say);
  const dataSource = createDataSource({ url: db.url, poolSize: concurrency + 1, applicationName: 'tenantry-migrate' });
  await dataSource.initialize();
  try {
    const started = Date.now();
    const platform = await migratePlatform(dataSource);
    say(platform.length ? `platform: applied ${platform.join(', ')}` : 'platform: up to date');
    await syncPlanCatalog(dataSource, loadPlanCatalog());
    say('plans: catalog synced from config/plans.json');
    const report = await migrateTenants(dataSource, {
      concurrency,
      ...(tenantIds.length ? { tenantIds } : {}),
      onProgress: (outcome, done, total) => {
        const detail =
          outcome.status === 'failed' ? ` — ${outcome.error}` : outcome.status === 'migrated' ? ` (${outcome.applied.join(', ')})` : '';
        say(`[${done}/${total}] tenant ${outcome.tenantId}: ${outcome.status}${detail} in ${outcome.ms} ms`);
      },
    });
    const ms = Date.now() - started;
    if (json) {
      process.stdout.write(`${JSON.stringify({ platform, ...report, ms })}\n`);
    } else {
      say(`${report.total} tenant(s) behind version ${report.target}; ${report.failed.length} failed; ${ms} ms`);
    }
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
    await db.stop();
  }
}

function valueOf(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}
