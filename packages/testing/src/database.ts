import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadPlanCatalog, syncPlanCatalog } from '@tenantry/plans';
import { createDataSource, migratePlatform } from '@tenantry/tenancy';

/** Set by the jest global setup: a server URL (embedded PostgreSQL unless DATABASE_URL was set). */
export const SERVER_URL_VARIABLE = 'TENANTRY_TEST_SERVER_URL';

export function serverUrl(): string {
  const url = process.env[SERVER_URL_VARIABLE];
  if (!url) throw new Error(`${SERVER_URL_VARIABLE} is not set: run tests through jest (its global setup starts PostgreSQL)`);
  return url;
}

export interface TestDatabase {
  url: string;
  /** A pool on the fresh database, platform already migrated. */
  dataSource: DataSource;
  /** Drops the database and every tenant role its tenants created (roles are cluster-wide). */
  drop: () => Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh database per test file, so files never see each other's tenants. */
export async function createTestDatabase(
  options: { poolSize?: number; migrate?: boolean; serverUrl?: string } = {},
): Promise<TestDatabase> {
  const server = options.serverUrl ?? serverUrl();
  const name = `tenantry_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(server, name);
  const dataSource = createDataSource({ url, poolSize: options.poolSize ?? 5, applicationName: 'tenantry-test' });
  await dataSource.initialize();
  if (options.migrate !== false) {
    await migratePlatform(dataSource);
    await syncPlanCatalog(dataSource, loadPlanCatalog());
  }
  return {
    url,
    dataSource,
    drop: async () => {
      const roles: { rolname: string }[] = await dataSource
        .query(
          `SELECT rolname FROM pg_roles WHERE rolname ~ '^tenant_[0-9a-f]{32}_(rw|gated)$'
                  AND EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = left(rolname, 39))`,
        )
        .catch(() => []);
      await dataSource.destroy();
      const client = new Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        for (const { rolname } of roles) await client.query(`DROP ROLE IF EXISTS "${rolname}"`).catch(() => undefined);
      } finally {
        await client.end();
      }
    },
  };
}
