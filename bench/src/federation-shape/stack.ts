import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateSigningJwk } from '@tenantry/auth';
import { startProcess, stopProcesses, waitForHealthy, type ManagedProcess } from '@tenantry/cli/dist/processes';
import { freePort } from '@tenantry/embedded-db';
import { composeShapeSupergraph } from './supergraph';
import { SUBGRAPHS } from './subgraphs';

const REPO = path.resolve(__dirname, '../../..');

export interface ShapeStack {
  subgraphUrls: Record<string, string>;
  supergraphPath: string;
  processes: ManagedProcess[];
  /** Starts a gateway process and waits until it answers GraphQL; returns its URL. */
  startGateway: (
    kind: 'stock' | 'tenantry' | 'hive',
    options?: { workers?: number; env?: Record<string, string> },
  ) => Promise<GatewayProcess>;
  stop: () => Promise<void>;
}

export interface GatewayProcess {
  url: string;
  process: ManagedProcess;
}

/** The four in-memory subgraphs in their own process, and the composed supergraph in a temporary file. */
export async function startShapeStack(): Promise<ShapeStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-shape-'));
  const processes: ManagedProcess[] = [];
  try {
    const ports = await Promise.all(SUBGRAPHS.map(() => freePort()));
    const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s, i) => [s.name, `http://127.0.0.1:${ports[i]}/graphql`]));
    const child = spawnWithArgs('shape-subgraphs', path.join(__dirname, 'serve-subgraphs.js'), ports.map(String), {
      ...process.env,
      NODE_ENV: 'production',
    });
    processes.push(child);
    await Promise.all(ports.map((port) => waitForHealthy(child, `http://127.0.0.1:${port}/healthz`)));
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    await writeFile(supergraphPath, composeShapeSupergraph(subgraphUrls));
    const contextKey = await generateSigningJwk();

    const startGateway: ShapeStack['startGateway'] = async (kind, options = {}) => {
      const port = await freePort();
      const workers = options.workers ?? 1;
      const env = { ...process.env, NODE_ENV: 'production', ...options.env };
      let proc: ManagedProcess;
      if (kind === 'stock') {
        proc = spawnWithArgs('stock-gateway', path.join(__dirname, 'stock-gateway.js'), [supergraphPath, String(port)], env);
      } else if (kind === 'hive') {
        const bin = path.join(REPO, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
        proc = spawnWithArgs(
          'hive-gateway',
          bin,
          ['supergraph', supergraphPath, '--port', String(port), '--host', '127.0.0.1', '--fork', String(workers)],
          env,
        );
      } else {
        proc = startProcess('tenantry-gateway', path.join(REPO, 'gateway', 'dist', 'main.js'), {
          ...env,
          LOG_LEVEL: 'warn',
          PORT: String(port),
          SUPERGRAPH_PATH: supergraphPath,
          CONTEXT_SIGNING_KEY: JSON.stringify(contextKey.privateJwk),
          RATE_LIMIT_ENABLED: 'false',
          GATEWAY_WORKERS: String(workers),
          ...options.env,
        });
      }
      processes.push(proc);
      const url =
        kind === 'hive'
          ? `http://127.0.0.1:${port}/graphql`
          : kind === 'stock'
            ? `http://127.0.0.1:${port}/`
            : `http://127.0.0.1:${port}/graphql`;
      await waitForGraphQL(proc, url);
      return { url, process: proc };
    };
    return {
      subgraphUrls,
      supergraphPath,
      processes,
      startGateway,
      stop: async () => {
        // Gateways first: a subgraph gone under a draining gateway only makes noise in the logs.
        await stopProcesses(processes.slice(1));
        await stopProcesses(processes.slice(0, 1));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopProcesses(processes);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Like startProcess, with command-line arguments (the stock and Hive gateways take theirs there). */
function spawnWithArgs(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited };
}

/** Polls with a tiny query until the gateway answers it, or fails when the process dies or time runs out. */
async function waitForGraphQL(proc: ManagedProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited during start-up`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${proc.name} did not answer GraphQL at ${url} within ${timeoutMs} ms`);
}

/** Resident memory of a process and its children (cluster workers), from /proc (Linux): now and peak. */
export async function treeMemory(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  let rssMb = 0;
  let peakMb = 0;
  for (const id of [pid, ...(await childrenOf(pid))]) {
    try {
      const status = await readFile(`/proc/${id}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      rssMb += kb('VmRSS') / 1024;
      peakMb += kb('VmHWM') / 1024;
    } catch {
      // exited meanwhile
    }
  }
  return { rssMb, peakMb };
}

async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
