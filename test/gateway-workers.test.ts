import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@tenantry/embedded-db';
import { createMember, createTenant, errorCodes, graphql, useStack, type TestTenant } from '@tenantry/testing';

/**
 * GATEWAY_WORKERS > 1 (ADR 0024) run for real: the built gateway as its own process over the
 * in-process subgraphs, the primary forking two cluster workers on one port. Traffic is spread
 * over both, a killed worker is replaced while requests keep being answered, and SIGTERM drains
 * the workers and exits 0 with nothing left running.
 *
 * Every request here goes on a fresh connection (`connection: close`): the cluster primary hands
 * out connections, not requests, in turn, so this is what makes both workers see traffic.
 */

const QUERY = 'query WorkersProbe { currentTenant { id slug } members { role user { email } } }';
const MAIN = path.resolve(__dirname, '../gateway/dist/main.js');

interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
}

/** Live (non-zombie) processes from /proc: pid, parent and process group. */
function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') continue;
    found.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp) });
  }
  return found;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gateway with GATEWAY_WORKERS=2', () => {
  const fixture = useStack();
  let gateway: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let output = '';
  let url: string;
  let baseUrl: string;
  let tenant: TestTenant;
  let token: string;
  let expected: unknown;

  const workers = () =>
    processes()
      .filter((p) => p.ppid === gateway!.pid)
      .map((p) => p.pid)
      .sort();
  const logLines = (msg: string) =>
    output
      .split('\n')
      .slice(0, -1) // the last piece may be a line still being written
      .filter((line) => line.includes(`"msg":"${msg}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const probe = () => graphql(url, QUERY, { token, headers: { connection: 'close' } });
  /** The probe's ok count as reported by whichever worker answers this scrape. */
  const scrape = async (): Promise<number> => {
    const response = await fetch(`${baseUrl}/metrics`, { headers: { connection: 'close' } });
    expect(response.status).toBe(200);
    const match = /tenantry_graphql_requests_total\{service="gateway",operation="WorkersProbe",outcome="ok"\} (\d+)/.exec(
      await response.text(),
    );
    return match ? Number(match[1]) : 0;
  };

  beforeAll(async () => {
    tenant = await createTenant(fixture.db.dataSource);
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    expected = { currentTenant: { id: tenant.id, slug: tenant.slug }, members: [{ role: 'OWNER', user: { email: owner.email } }] };

    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    baseUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      ...fixture.stack.gatewayEnv,
      LOG_LEVEL: 'info',
      PORT: String(port),
      GATEWAY_WORKERS: '2',
      // Without REDIS_URL the config refuses several workers with per-process buckets.
      RATE_LIMIT_ENABLED: 'false',
    };
    delete env.REDIS_URL;
    // Its own process group, so afterAll can kill the primary and its workers together.
    gateway = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const child = gateway;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Both workers write to the primary's stdout (cluster workers inherit it).
    await until('two workers listening', () => {
      if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${output}`);
      return logLines('gateway listening').length === 2 ? true : undefined;
    });
  }, 40_000);

  afterAll(() => {
    const pid = gateway?.pid;
    if (!pid) return;
    for (const p of processes().filter((p) => p.pgrp === pid)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('answers a tenant read on both workers', async () => {
    expect(workers()).toHaveLength(2);

    // 41 reads, 10 at a time, each on its own connection. An odd total cannot split evenly over
    // two workers, so their counts below differ.
    const responses = [];
    for (const size of [10, 10, 10, 11]) {
      responses.push(...(await Promise.all(Array.from({ length: size }, probe))));
    }
    expect(responses.map((r) => [r.status, errorCodes(r), r.body.data])).toEqual(Array.from({ length: 41 }, () => [200, [], expected]));

    // Each worker counts only what it served. No probe is sent while scraping, so one worker
    // would report one constant value: two different values are two workers, and they sum to 41.
    const seen = new Set<number>();
    await until('scrapes from both workers', async () => {
      seen.add(await scrape());
      return seen.size >= 2 ? true : undefined;
    });
    const counts = [...seen].sort((a, b) => a - b);
    expect(counts).toHaveLength(2);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]! + counts[1]!).toBe(41);
  });

  it('replaces a worker killed with SIGKILL and keeps answering', async () => {
    const before = workers();
    expect(before).toHaveLength(2);
    const victim = before[0]!;
    process.kill(victim, 'SIGKILL');

    const after = await until('a replacement worker', () => {
      const now = workers();
      return now.length === 2 && !now.includes(victim) ? now : undefined;
    });
    expect(after).toContain(before[1]);
    expect(logLines('gateway worker exited; starting another')).toEqual([expect.objectContaining({ pid: victim, signal: 'SIGKILL' })]);
    await until('the replacement listening', () => (logLines('gateway listening').length === 3 ? true : undefined));

    // Bounded wait for the first good answer, then 10 in a row on fresh connections must all succeed.
    await until('an answer after the kill', async () => {
      const res = await probe().catch(() => undefined);
      return res?.status === 200 && res.body.data ? true : undefined;
    });
    const responses = await Promise.all(Array.from({ length: 10 }, probe));
    expect(responses.map((r) => [r.status, errorCodes(r), r.body.data])).toEqual(Array.from({ length: 10 }, () => [200, [], expected]));
  });

  it('drains the workers and exits 0 on SIGTERM, leaving no process behind', async () => {
    const pid = gateway!.pid!;
    const children = workers();
    expect(children).toHaveLength(2);

    const sent = Date.now();
    process.kill(pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)))]);
    clearTimeout(timer);

    expect(code).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(processes().filter((p) => p.pgrp === pid || children.includes(p.pid))).toEqual([]);
  });
});
