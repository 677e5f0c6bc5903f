import 'reflect-metadata';
import { createDataSource, migrateTenants } from '@tenantry/tenancy';
import { WITH_PENDING } from './extra-migration';

/** Child process for the kill-and-resume check: migrates with the extra migration, printing progress. */
async function main() {
  const url = process.argv[2]!;
  const concurrency = Number(process.argv[3] ?? 4);
  const dataSource = createDataSource({ url, poolSize: concurrency + 1 });
  await dataSource.initialize();
  const report = await migrateTenants(dataSource, {
    migrations: WITH_PENDING,
    concurrency,
    onProgress: (_o, done) => process.stdout.write(`${done}\n`),
  });
  await dataSource.destroy();
  process.stdout.write(`DONE ${report.outcomes.length} ${report.failed.length}\n`);
}

void main();
