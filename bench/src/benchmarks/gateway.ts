import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { generateSigningJwk, importSigningKey, issueAccessToken, signContextToken, CONTEXT_HEADER } from '@tenantry/auth';
import { startProcess, stopProcesses, waitForHealthy, type ManagedProcess } from '@tenantry/cli/dist/processes';
import { freePort } from '@tenantry/embedded-db';
import { createMember, createTenant, createTestDatabase } from '@tenantry/testing';
import { ms, type Benchmark, type Figure } from '../report';

const REPO = path.resolve(__dirname, '../../..');
const CONNECTIONS = 64;
const MEMBERS = 100;

const SMALL_READ = '{ currentTenant { id name plan } }';
const MEMBER_LIST = '{ members(first: 100) { role user { email } tenant { slug usage { resource used } } } }';
const FLOOR_MEMBER_LIST = '{ members(first: 100) { role user { email } } }';
const RENAME = 'mutation { renameTenant(input: { name: "Bench Org" }) { name } }';

interface Run {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string>, query: string, seconds: number): Promise<Run> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

/** Peak and current resident memory of a process, from /proc (Linux). */
async function memoryOf(pid: number): Promise<{ peakMb: number; rssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/**
 * The gateway with each subgraph in its own process (as `npm start` runs them), loaded with
 * autocannon over 64 connections; the floor is the same work sent straight to one subgraph
 * with a valid signed context, measured in the same run.
 */
export const gatewayBenchmark: Benchmark = {
  name: 'gateway',
  title: 'Gateway throughput and overhead',
  run: async ({ serverUrl, quick, log }) => {
    const seconds = quick ? 2 : 15;
    const db = await createTestDatabase({ serverUrl });
    const processes: ManagedProcess[] = [];
    try {
      const tenant = await createTenant(db.dataSource, { plan: 'enterprise' });
      const owner = await createMember(db.dataSource, tenant.id, 'owner');
      for (let i = 1; i < MEMBERS; i++) await createMember(db.dataSource, tenant.id, 'member');

      const context = await generateSigningJwk();
      const access = await generateSigningJwk();
      const ports = {
        tenant: await freePort(),
        identity: await freePort(),
        usage: await freePort(),
        audit: await freePort(),
        gateway: await freePort(),
      };
      const common = {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: '10',
        CONTEXT_VERIFY_KEY: JSON.stringify(context.publicJwk),
        // The other secrets production requires (their values do not matter here).
        MASTER_KEY: randomBytes(32).toString('base64'),
        MFA_SECRET_KEY: randomBytes(32).toString('base64'),
        AUDIT_SIGNING_KEY: JSON.stringify((await generateSigningJwk()).privateJwk),
        AUDIT_CHECKPOINT_INTERVAL_MS: '0',
        AUDIT_RETENTION_INTERVAL_MS: '0',
      };
      const url = (name: keyof typeof ports) => `http://127.0.0.1:${ports[name]}/graphql`;
      for (const name of ['tenant', 'identity', 'usage', 'audit'] as const) {
        processes.push(
          startProcess(name, path.join(REPO, 'subgraphs', name, 'dist', 'main.js'), {
            ...common,
            [`${name.toUpperCase()}_PORT`]: String(ports[name]),
            ...(name === 'identity' ? { ACCESS_TOKEN_SIGNING_KEY: JSON.stringify(access.privateJwk) } : {}),
          }),
        );
      }
      await Promise.all(
        processes.map((p, i) =>
          waitForHealthy(p, url((['tenant', 'identity', 'usage', 'audit'] as const)[i]!).replace('/graphql', '/healthz')),
        ),
      );
      const gateway = startProcess('gateway', path.join(REPO, 'gateway', 'dist', 'main.js'), {
        ...common,
        PORT: String(ports.gateway),
        RATE_LIMIT_ENABLED: 'false',
        // The load is one caller repeating one query on 64 connections: in-flight dedup would
        // collapse it into a few subgraph calls and report that, not the gateway's own cost.
        SUBGRAPH_DEDUP_INFLIGHT: 'false',
        CONTEXT_SIGNING_KEY: JSON.stringify(context.privateJwk),
        TENANT_SUBGRAPH_URL: url('tenant'),
        IDENTITY_SUBGRAPH_URL: url('identity'),
        USAGE_SUBGRAPH_URL: url('usage'),
        AUDIT_SUBGRAPH_URL: url('audit'),
        IDENTITY_JWKS_URL: url('identity').replace('/graphql', '/.well-known/jwks.json'),
        API_KEY_VERIFY_URL: url('identity').replace('/graphql', '/internal/api-keys/verify'),
        PQ_REGISTRY_URL: url('tenant').replace('/graphql', '/internal/persisted-queries'),
      });
      processes.push(gateway);
      await waitForHealthy(gateway, url('gateway').replace('/graphql', '/healthz'));

      const token = await issueAccessToken(
        await importSigningKey(JSON.stringify(access.privateJwk)),
        { userId: owner.id, tenantId: tenant.id, role: 'owner', plan: 'enterprise' },
        3600,
      );
      const contextKey = await importSigningKey(JSON.stringify(context.privateJwk));
      const direct = async () => ({
        [CONTEXT_HEADER]: await signContextToken(contextKey, {
          requestId: 'bench-direct',
          tenantId: tenant.id,
          principal: { kind: 'user', userId: owner.id, role: 'owner' },
        }),
      });
      const viaGateway = { authorization: `Bearer ${token}` };

      const cases: { label: string; gateway: [string, string]; floor: [string, string] }[] = [
        { label: 'small tenant read', gateway: [url('gateway'), SMALL_READ], floor: [url('tenant'), SMALL_READ] },
        { label: `${MEMBERS}-member federated list`, gateway: [url('gateway'), MEMBER_LIST], floor: [url('identity'), FLOOR_MEMBER_LIST] },
        { label: 'mutation with audit', gateway: [url('gateway'), RENAME], floor: [url('tenant'), RENAME] },
      ];
      const figures: Figure[] = [];
      for (const c of cases) {
        log(`gateway: ${c.label}`);
        const g = await load(c.gateway[0], viaGateway, c.gateway[1], seconds);
        const f = await load(c.floor[0], await direct(), c.floor[1], seconds);
        const failures = g.errors + g.non2xx + f.errors + f.non2xx;
        figures.push(
          { label: `${c.label}: through the gateway`, value: `${g.rps.toFixed(0)} req/s, p50 ${ms(g.p50)}, p99 ${ms(g.p99)}` },
          { label: `${c.label}: straight to one subgraph (floor)`, value: `${f.rps.toFixed(0)} req/s, p50 ${ms(f.p50)}, p99 ${ms(f.p99)}` },
          { label: `${c.label}: gateway throughput / floor`, value: `${(g.rps / f.rps).toFixed(2)}x` },
          { label: `${c.label}: failed or non-2xx responses`, value: String(failures), target: '0', met: failures === 0 },
        );
      }
      for (const p of processes) {
        const mem = await memoryOf(p.child.pid!);
        figures.push({ label: `peak RSS: ${p.name}`, value: `${mem.peakMb.toFixed(0)} MB` });
      }
      return {
        name: 'gateway',
        title: 'Gateway throughput and overhead',
        figures,
        notes: [
          `autocannon, ${CONNECTIONS} connections, ${seconds} s per run, every process on this machine's ${os.cpus().length} cores (load generator included), NODE_ENV=production, logs at warn.`,
          'The floor for the member list is the identity subgraph alone; through the gateway the same query also fetches tenant and usage, so the ratio includes that federated work.',
          'In-flight dedup (SUBGRAPH_DEDUP_INFLIGHT, on by default) is off here: every connection sends the same query as the same caller, which it would collapse into a few subgraph calls (with it on, the gateway out-ran its own floor 1.6x to 3.4x).',
        ],
      };
    } finally {
      await stopProcesses(processes);
      await db.drop();
    }
  },
};
