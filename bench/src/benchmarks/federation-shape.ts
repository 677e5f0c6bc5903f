import os from 'node:os';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { QueryPlan, PlanNode } from '@apollo/query-planner';
import autocannon from 'autocannon';
import { readFile } from 'node:fs/promises';
import { DATA_SIZES, SHAPE_QUERY } from '../federation-shape/subgraphs';
import { startShapeStack, treeMemory, type GatewayProcess } from '../federation-shape/stack';
import { percentile } from '../stats';
import { ms, type Benchmark, type Figure } from '../report';

const CONNECTIONS = 16;
const EXPECTED_FETCHES = 16;
const BODY = JSON.stringify({ query: SHAPE_QUERY, operationName: 'FederationShape' });

type Kind = 'stock' | 'tenantry' | 'hive';
const LABELS: Record<Kind, string> = {
  stock: 'stock @apollo/gateway (defaults)',
  tenantry: 'Tenantry gateway',
  hive: '@graphql-hive/gateway',
};

interface Tally {
  latencies: number[];
  requests: number;
  seconds: number;
  failures: number;
}

/**
 * One autocannon run, keeping every response time so percentiles can be taken over all
 * rounds. Every response body must equal `expected` byte for byte (a wrong answer is a failure).
 */
async function load(url: string, seconds: number, tally: Tally, expected: string): Promise<void> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        headers: { 'content-type': 'application/json' },
        body: BODY,
        expectBody: expected,
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      tally.latencies.push(responseTime);
      if (status !== 200) tally.failures++;
    });
  });
  tally.requests += result.requests.total;
  tally.seconds += result.duration;
  tally.failures += result.errors + result.timeouts + result.mismatches;
}

function countFetches(node: PlanNode | undefined): number {
  if (!node) return 0;
  switch (node.kind) {
    case 'Fetch':
      return 1;
    case 'Flatten':
      return countFetches(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.reduce((sum, child) => sum + countFetches(child), 0);
    case 'Condition':
      return countFetches(node.ifClause) + countFetches(node.elseClause);
    case 'Defer':
      return countFetches(node.primary.node) + node.deferred.reduce((sum, d) => sum + countFetches(d.node), 0);
    default:
      return 0;
  }
}

/** The plan @apollo/gateway makes for the query, and its answer, from an in-process gateway. */
async function planOf(supergraphPath: string): Promise<{ fetches: number; body: string }> {
  let plan: QueryPlan | undefined;
  const gateway = new ApolloGateway({
    supergraphSdl: await readFile(supergraphPath, 'utf8'),
    experimental_didResolveQueryPlan: ({ queryPlan }) => {
      plan = queryPlan;
    },
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  try {
    const response = await server.executeOperation({ query: SHAPE_QUERY, operationName: 'FederationShape' });
    if (response.body.kind !== 'single') throw new Error('expected a single response');
    return { fetches: countFetches(plan?.node as PlanNode | undefined), body: JSON.stringify(response.body.singleResult) };
  } finally {
    await server.stop();
  }
}

/** The gateway's raw answer (what load runs expect byte for byte) and its JSON, normalised for comparison. */
async function answerOf(gateway: GatewayProcess): Promise<{ raw: string; normalised: string }> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  const raw = await response.text();
  if (!response.ok) throw new Error(`${gateway.process.name} answered ${response.status}: ${raw.slice(0, 300)}`);
  // Whitespace and a trailing newline are not differences between gateways.
  return { raw, normalised: JSON.stringify(JSON.parse(raw)) };
}

/**
 * The public federation gateway benchmark's workload re-made with in-memory subgraphs: stock
 * @apollo/gateway, the Tenantry gateway and Hive Gateway over the same subgraphs, loaded in
 * interleaved rounds with the same connection count so machine noise falls on all three.
 */
export const federationShapeBenchmark: Benchmark = {
  name: 'federation-shape',
  title: 'The federation gateway benchmark shape: stock Apollo Gateway, Tenantry, Hive Gateway',
  run: async ({ quick, log }) => {
    const rounds = quick ? 1 : 10;
    const seconds = quick ? 2 : 5;
    const workers = os.availableParallelism();
    const stack = await startShapeStack();
    try {
      const plan = await planOf(stack.supergraphPath);
      // Started together: start-up is most of a quick run's time, and nothing is measured yet.
      const [stock, tenantry, hive] = await Promise.all([
        stack.startGateway('stock'),
        stack.startGateway('tenantry', { workers }),
        stack.startGateway('hive', { workers }),
      ]);
      const gateways: Record<Kind, GatewayProcess> = { stock, tenantry, hive };
      const answers = Object.fromEntries(
        await Promise.all((Object.keys(gateways) as Kind[]).map(async (kind) => [kind, await answerOf(gateways[kind])] as const)),
      ) as Record<Kind, { raw: string; normalised: string }>;
      const reference = JSON.stringify(JSON.parse(plan.body));
      for (const kind of Object.keys(answers) as Kind[]) {
        if (answers[kind].normalised !== reference) {
          throw new Error(
            `${LABELS[kind]} answered differently from the in-process @apollo/gateway (${answers[kind].normalised.length} vs ${reference.length} characters)`,
          );
        }
      }
      if (/"errors"/.test(reference)) throw new Error(`the query answered with errors: ${reference.slice(0, 300)}`);
      const bytes = Buffer.byteLength(reference);

      const tallies: Record<Kind, Tally> = {
        stock: { latencies: [], requests: 0, seconds: 0, failures: 0 },
        tenantry: { latencies: [], requests: 0, seconds: 0, failures: 0 },
        hive: { latencies: [], requests: 0, seconds: 0, failures: 0 },
      };
      const perRound: Record<Kind, number[]> = { stock: [], tenantry: [], hive: [] };
      // A short warm-up each (JIT, plan caches, keep-alive pools), then interleaved rounds.
      if (!quick) {
        for (const kind of Object.keys(gateways) as Kind[]) {
          await load(gateways[kind].url, 1, { latencies: [], requests: 0, seconds: 0, failures: 0 }, answers[kind].raw);
        }
      }
      for (let round = 1; round <= rounds; round++) {
        for (const kind of Object.keys(gateways) as Kind[]) {
          log(`federation-shape: round ${round}/${rounds}, ${kind}`);
          const before = tallies[kind].requests;
          await load(gateways[kind].url, seconds, tallies[kind], answers[kind].raw);
          perRound[kind].push(tallies[kind].requests - before);
          // Requests autocannon left in flight would otherwise eat into the next gateway's round.
          await answerOf(gateways[kind]);
        }
      }
      const rps = (kind: Kind) => tallies[kind].requests / tallies[kind].seconds;
      const figures: Figure[] = [
        {
          label: 'fetches in the query plan',
          value: String(plan.fetches),
          target: String(EXPECTED_FETCHES),
          met: plan.fetches === EXPECTED_FETCHES,
        },
        { label: 'response size', value: `${(bytes / 1000).toFixed(1)} KB`, target: '~87 KB', met: bytes > 80_000 && bytes < 95_000 },
        { label: 'same response from all three gateways', value: 'yes', target: 'identical', met: true },
      ];
      for (const kind of Object.keys(gateways) as Kind[]) {
        const t = tallies[kind];
        const mem = await treeMemory(gateways[kind].process.child.pid!);
        figures.push({
          label: LABELS[kind],
          value: `${rps(kind).toFixed(0)} req/s, p50 ${ms(percentile(t.latencies, 50))}, p95 ${ms(percentile(t.latencies, 95))}, p99 ${ms(percentile(t.latencies, 99))}; peak RSS ${mem.peakMb.toFixed(0)} MB`,
        });
      }
      const failures = Object.values(tallies).reduce((sum, t) => sum + t.failures, 0);
      // A gateway that completed nothing in a short quick-mode round leaves no ratio to report.
      const ratio = (baseline: Kind, target: number) => {
        const value = rps('tenantry') / rps(baseline);
        return Number.isFinite(value) && value > 0
          ? { value: `${value.toFixed(2)}x`, met: value >= target }
          : { value: `n/a (${tallies[baseline].requests} vs ${tallies.tenantry.requests} responses)`, met: false };
      };
      // The spread of the same ratio round by round shows how much the shared machine moved it.
      const spread = (baseline: Kind) => {
        const ratios = perRound.tenantry.map((n, i) => n / perRound[baseline][i]!).filter(Number.isFinite);
        return ratios.length
          ? `${Math.min(...ratios).toFixed(2)}x / ${percentile(ratios, 50).toFixed(2)}x / ${Math.max(...ratios).toFixed(2)}x`
          : 'n/a';
      };
      figures.push(
        { label: 'throughput Tenantry / stock @apollo/gateway', target: '>= 2x', ...ratio('stock', 2) },
        { label: 'throughput Tenantry / Hive Gateway', target: '>= 1x', ...ratio('hive', 1) },
        { label: 'per-round Tenantry / stock: min / median / max', value: spread('stock') },
        { label: 'per-round Tenantry / Hive: min / median / max', value: spread('hive') },
        {
          label: 'failed, timed-out, non-200 or different responses under load',
          value: String(failures),
          target: '0',
          met: failures === 0,
        },
      );
      const loadAverage = os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ');
      return {
        name: 'federation-shape',
        title: federationShapeBenchmark.title,
        figures,
        notes: [
          `Data: ${DATA_SIZES.users} users, ${DATA_SIZES.products} products, ${DATA_SIZES.reviews} reviews, in memory; four @apollo/subgraph schemas executed by graphql-js over node:http, all in one process.`,
          `autocannon, ${CONNECTIONS} connections, ${rounds} interleaved round(s) of ${seconds} s per gateway${quick ? '' : ' after a 1 s warm-up each'}; percentiles over every response of every round.`,
          `Workers: stock @apollo/gateway runs as documented (one process); the Tenantry gateway runs GATEWAY_WORKERS=${workers} and Hive Gateway --fork ${workers} (this machine's cores). NODE_ENV=production for all.`,
          'Tenantry gateway as deployed: anonymous caller, signed context per request, operation guard, metrics, APQ; rate limit off (it would refuse a load test); keep-alive node:http transport, entity dedup and in-flight dedup on (the defaults, ADR 0024; in-flight dedup shares calls of identified callers only, so none between these anonymous requests).',
          `Every process on this machine's ${os.cpus().length} cores: load generator, subgraphs and the gateway under test; the machine is shared with other work (load average ${loadAverage} at the end, 1 / 5 / 15 min), so absolute figures move between runs and only same-run ratios mean much; the per-round spread shows by how much.`,
        ],
      };
    } finally {
      await stack.stop();
    }
  },
};
