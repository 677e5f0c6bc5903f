import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { StatementCountingLogger } from './statement-counter';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  applicationName?: string;
}

/**
 * One pool per process. Entities without a schema resolve through the search_path that
 * withTenant sets; platform entities name schema 'platform' explicitly.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    synchronize: false,
    migrationsRun: false,
    logger: new StatementCountingLogger(options.applicationName ?? 'tenantry'),
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: options.applicationName ?? 'tenantry',
    extra: { max: options.poolSize, idleTimeoutMillis: 30_000 },
  });
}
