import { createDataSource } from '@tenantry/tenancy';
import { keyringFromConfig, rewrapDataKeys } from '@tenantry/subgraph-tenant';
import { ConfigError } from '@tenantry/config';
import type { CliConfig } from '../config';
import { openDatabase } from '../database';

/**
 * `rotate-master-key`: with the new key in MASTER_KEY and the old one in MASTER_KEY_PREVIOUS,
 * re-wraps every tenant's data key under the new key (secrets themselves are untouched).
 * Run it while the tenant subgraph has both keys; afterwards drop MASTER_KEY_PREVIOUS.
 * Exit 1 if any tenant failed (a rerun picks up only those). `--json` prints the report.
 */
export async function rotateMasterKeyCommand(args: string[], config: CliConfig): Promise<number> {
  const json = args.includes('--json');
  if (!config.MASTER_KEY || !config.MASTER_KEY_PREVIOUS) {
    throw new ConfigError(['MASTER_KEY and MASTER_KEY_PREVIOUS: both required (the new key and the one being rotated away from)']);
  }
  const keyring = keyringFromConfig({ MASTER_KEY: config.MASTER_KEY, MASTER_KEY_PREVIOUS: config.MASTER_KEY_PREVIOUS });
  const db = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const dataSource = createDataSource({ url: db.url, poolSize: 2, applicationName: 'tenantry-rotate' });
  await dataSource.initialize();
  try {
    const report = await rewrapDataKeys(dataSource, keyring);
    if (json) {
      process.stdout.write(`${JSON.stringify({ masterKeyId: keyring.current.id, ...report })}\n`);
    } else {
      process.stdout.write(
        `re-wrapped ${report.rewrapped.length} data key(s) under master key ${keyring.current.id}; ${report.failed.length} failed\n`,
      );
      for (const failure of report.failed) process.stdout.write(`  tenant ${failure.tenantId}: ${failure.error}\n`);
    }
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
    await db.stop();
  }
}
