import type { Logger as TypeOrmLogger } from 'typeorm';

const counts = new Map<string, number>();

/**
 * SQL statements sent per pool (keyed by application name): how tests and benchmarks prove
 * that a request costs a constant number of statements, whatever the size of the list.
 */
export function statementCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

export class StatementCountingLogger implements TypeOrmLogger {
  constructor(private readonly applicationName: string) {}

  logQuery(): void {
    counts.set(this.applicationName, (counts.get(this.applicationName) ?? 0) + 1);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
