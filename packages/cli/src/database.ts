import path from 'node:path';
import { startEmbeddedPostgres } from '@tenantry/embedded-db';
import type { CliConfig } from './config';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL kept under DATA_DIR/postgres. */
export async function openDatabase(config: CliConfig, say: (line: string) => void): Promise<OpenDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  const dir = path.join(config.DATA_DIR, 'postgres');
  say(`starting embedded PostgreSQL (data in ${dir}, port ${config.EMBEDDED_PG_PORT})`);
  const db = await startEmbeddedPostgres({ dir, port: config.EMBEDDED_PG_PORT });
  return { url: db.url, embedded: true, stop: db.stop };
}
