import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@tenantry/embedded-db';
import { SERVER_URL_VARIABLE } from './database';

declare global {
  var __TENANTRY_PG_STOP__: (() => Promise<void>) | undefined;
}

/**
 * Jest global setup: a real PostgreSQL for every integration test. DATABASE_URL when set (each
 * test file then creates and drops its own database on that server); otherwise an embedded
 * PostgreSQL in a temporary directory, removed afterwards.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env[SERVER_URL_VARIABLE] = process.env.DATABASE_URL;
    return;
  }
  const parent = await mkdtemp(path.join(os.tmpdir(), 'tenantry-pg-'));
  await chmod(parent, 0o755);
  const db = await startEmbeddedPostgres({ dir: path.join(parent, 'data'), port: 0, database: 'postgres' });
  process.env[SERVER_URL_VARIABLE] = db.url;
  globalThis.__TENANTRY_PG_STOP__ = async () => {
    await db.stop();
    await rm(parent, { recursive: true, force: true });
  };
}
