import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { generateSigningJwk } from '@tenantry/auth';
import { freePort } from '@tenantry/embedded-db';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';

/**
 * Each subgraph, run as its own process the way `npm start`, Docker and Kubernetes run it, stops
 * promptly and cleanly on SIGTERM. Outside NODE_ENV=test Apollo Server installs signal handlers of
 * its own; together with ours they left every subgraph hanging until its idle connections timed out
 * (27 s measured), so orchestrators fell back to SIGKILL.
 */
describe('subgraph processes on SIGTERM', () => {
  let db: TestDatabase;
  let keys: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const [context, access, audit] = await Promise.all([generateSigningJwk(), generateSigningJwk(), generateSigningJwk()]);
    keys = {
      CONTEXT_VERIFY_KEY: JSON.stringify(context.publicJwk),
      ACCESS_TOKEN_SIGNING_KEY: JSON.stringify(access.privateJwk),
      AUDIT_SIGNING_KEY: JSON.stringify(audit.privateJwk),
      MASTER_KEY: randomBytes(32).toString('base64'),
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each(['tenant', 'identity', 'usage', 'audit'])('%s exits with 0 within 5 s of SIGTERM', async (name) => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.resolve(__dirname, `../subgraphs/${name}/dist/main.js`)], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DATABASE_URL: db.url,
        [`${name.toUpperCase()}_PORT`]: String(port),
        ...keys,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!output.includes('subgraph listening')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name} did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const sent = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000))]);
    if (code === 'hung') child.kill('SIGKILL');

    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(Date.now() - sent).toBeLessThan(5000);
  });
});
