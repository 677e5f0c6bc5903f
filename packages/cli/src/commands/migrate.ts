import { loadPlanCatalog, syncPlanCatalog } from '@tenantry/plans';
import { migratePlatform, migrateTenants, createDataSource } from '@tenantry/tenancy';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';
import { ProgressBar, progressWanted } from '../progress';

const USAGE = 'usage: tenantry migrate [--concurrency N] [--tenant ID ...] [--json] [--no-progress]';

/**
 * `migrate [--concurrency N] [--tenant ID ...] [--json] [--no-progress]`: platform first, then
 * every tenant behind the latest version. On a terminal a progress bar (failures printed above
 * it); otherwise one line per tenant. Exit 1 when any tenant failed (the others are migrated
 * regardless, and a rerun resumes with the ones still behind), 2 on bad usage.
 */
export async function migrateCommand(args: string[], config: CliConfig): Promise<number> {
  const json = args.includes('--json');
  const concurrency = Number(valueOf(args, '--concurrency') ?? config.MIGRATE_CONCURRENCY);
  const tenantIds = args.flatMap((arg, i) => (arg === '--tenant' && args[i + 1] ? [args[i + 1]!] : []));
  const known = new Set(['--json', '--no-progress', '--concurrency', '--tenant']);
  const unknown = args.filter(
    (arg, i) => arg.startsWith('--') && !known.has(arg) && !['--concurrency', '--tenant'].includes(args[i - 1] ?? ''),
  );
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64 || unknown.length > 0) {
    process.stderr.write(
      `${unknown.length ? `unknown option ${unknown[0]}\n` : '--concurrency must be an integer from 1 to 64\n'}${USAGE}\n`,
    );
    return 2;
  }
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const showBar = progressWanted(args, process.stderr);
  let bar: ProgressBar | undefined;
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
        const line = `[${done}/${total}] tenant ${outcome.tenantId}: ${outcome.status}${detail} in ${outcome.ms} ms`;
        bar ??= new ProgressBar({ label: 'migrate', total, stream: process.stderr, enabled: showBar });
        if (!bar.active) say(line);
        else if (outcome.status === 'failed') bar.line(line);
        bar.tick(outcome.status === 'failed' ? 'failed' : 'ok');
      },
    });
    bar?.finish();
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
