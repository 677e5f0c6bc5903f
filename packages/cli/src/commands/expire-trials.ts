import { expireTrials } from '@tenantry/subgraph-tenant';
import { createDataSource } from '@tenantry/tenancy';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';

/**
 * `expire-trials`: the job (run it from cron) that moves every trial past its end to the state
 * config/plans.json names. Reads enforce expiry already; this makes the stored status catch up
 * and records it in each tenant's audit trail. Safe to run repeatedly and concurrently.
 * `--json` prints `{ expired: [{ tenantId, to }] }`.
 */
export async function expireTrialsCommand(args: string[], config: CliConfig): Promise<number> {
  const json = args.includes('--json');
  const db = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const dataSource = createDataSource({ url: db.url, poolSize: 2, applicationName: 'tenantry-expire-trials' });
  await dataSource.initialize();
  try {
    const expired = await expireTrials(dataSource);
    if (json) {
      process.stdout.write(`${JSON.stringify({ expired })}\n`);
    } else {
      for (const e of expired) process.stdout.write(`tenant ${e.tenantId}: trial expired -> ${e.to}\n`);
      process.stdout.write(`${expired.length} trial(s) expired\n`);
    }
    return 0;
  } finally {
    await dataSource.destroy();
    await db.stop();
  }
}
