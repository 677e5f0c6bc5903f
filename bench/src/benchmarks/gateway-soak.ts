import { createHash } from 'node:crypto';
import autocannon from 'autocannon';
import { startShapeStack, treeMemory } from '../federation-shape/stack';
import type { Benchmark, Figure } from '../report';

const CONNECTIONS = 8;
/** Documents sent again and again (plan, document and APQ cache hits) beside a stream of new ones. */
const HOT_DOCUMENTS = 200;
/** Small cache bounds, so the caches fill and start evicting early in the run on this machine. */
const CACHE_MIB = 1;

const PRODUCT_FIELDS = ['name', 'price', 'weight', 'inStock', 'shippingEstimate'];
const USER_FIELDS = ['name', 'username'];

/**
 * Operation number n: its own name and a field selection picked by the bits of n, so every
 * n is a distinct document with a plan of its own (one to seven fetches).
 */
export function soakDocument(n: number): string {
  const pick = (fields: string[], bits: number) => fields.filter((_, i) => bits & (1 << i)).join(' ');
  const productFields = pick(PRODUCT_FIELDS, n % 32);
  const userFields = pick(USER_FIELDS, (n >> 5) % 4);
  const reviews = n % 3 === 0 ? '' : ` reviews { id ${n % 2 ? 'body' : ''} author { id ${userFields} } }`;
  return `query Soak${n} { topProducts(first: ${1 + (n % 9)}) { upc ${productFields}${reviews} } }`;
}

function requestBody(query: string): string {
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  return JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
}

async function heapUsedMb(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
  const match = /^tenantry_nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text);
  return match ? Number(match[1]) / 2 ** 20 : Number.NaN;
}

interface Sample {
  at: number;
  rssMb: number;
  heapMb: number;
}

/**
 * The Tenantry gateway (one process, production settings) under steady load with a stream of
 * distinct operation documents, every one registered as an automatic persisted query: RSS and
 * heap sampled throughout, growth judged on the peaks of the two halves after the warm-up.
 */
export const gatewaySoakBenchmark: Benchmark = {
  name: 'gateway-soak',
  title: 'Gateway memory under a stream of distinct documents',
  run: async ({ quick, log }) => {
    const seconds = quick ? 10 : 300;
    const warmUp = quick ? 4 : 60;
    const every = quick ? 1 : 5;
    const stack = await startShapeStack();
    try {
      const gateway = await stack.startGateway('tenantry', {
        workers: 1,
        env: { QUERY_PLAN_CACHE_MIB: String(CACHE_MIB), DOCUMENT_CACHE_MIB: String(CACHE_MIB), APQ_MEMORY_CACHE_MIB: String(CACHE_MIB) },
      });
      const pid = gateway.process.child.pid!;
      const metricsUrl = gateway.url.replace(/\/graphql$/, '/metrics');
      let fresh = 0;
      let sent = 0;
      const nextBody = () => {
        sent++;
        return requestBody(soakDocument(sent % 2 ? sent % HOT_DOCUMENTS : HOT_DOCUMENTS + fresh++));
      };

      const samples: Sample[] = [];
      const started = Date.now();
      const sample = async () => {
        const [{ rssMb }, heapMb] = await Promise.all([treeMemory(pid), heapUsedMb(metricsUrl)]);
        samples.push({ at: (Date.now() - started) / 1000, rssMb, heapMb });
      };
      let sampling = Promise.resolve();
      const timer = setInterval(() => {
        sampling = sampling.then(sample, () => undefined);
      }, every * 1000);
      let result: autocannon.Result;
      try {
        log(`gateway-soak: ${seconds} s of load`);
        result = await new Promise<autocannon.Result>((resolve, reject) => {
          autocannon(
            {
              url: gateway.url,
              method: 'POST',
              connections: CONNECTIONS,
              duration: seconds,
              headers: { 'content-type': 'application/json' },
              requests: [{ setupRequest: (request) => ({ ...request, body: nextBody() }) }],
            },
            (error, done) => (error ? reject(error as Error) : resolve(done)),
          );
        });
      } finally {
        clearInterval(timer);
        await sampling;
      }
      // V8 lets the old generation fill before a full collection, so RSS is a sawtooth (period of
      // minutes here). Growth is judged on its envelope: the peaks (and troughs) of the second
      // half after the warm-up against those of the first half, not on two points in any phase.
      const afterWarmUp = samples.filter((s) => s.at >= warmUp);
      const middle = warmUp + (seconds - warmUp) / 2;
      const first = afterWarmUp.filter((s) => s.at < middle);
      const second = afterWarmUp.filter((s) => s.at >= middle);
      if (!first.length || !second.length) throw new Error(`too few memory samples (${samples.length})`);
      const peak = (list: Sample[], of: (s: Sample) => number) => Math.max(...list.map(of));
      const trough = (list: Sample[], of: (s: Sample) => number) => Math.min(...list.map(of));
      const rss = (s: Sample) => s.rssMb;
      const heap = (s: Sample) => s.heapMb;
      const growth = peak(second, rss) / peak(first, rss) - 1;
      const percent = (from: number, to: number) => `${to >= from ? '+' : ''}${((to / from - 1) * 100).toFixed(1)}%`;
      const span = (from: number, to: number) => `${from.toFixed(0)} MB → ${to.toFixed(0)} MB (${percent(from, to)})`;
      const failures = result.errors + result.timeouts + result.non2xx;
      const figures: Figure[] = [
        { label: 'requests served', value: `${result.requests.total} (${result.requests.average.toFixed(0)} req/s)` },
        { label: 'distinct documents sent', value: String(HOT_DOCUMENTS + fresh) },
        { label: 'RSS before the load', value: `${(samples[0]?.rssMb ?? Number.NaN).toFixed(0)} MB` },
        {
          label: `peak RSS, first half after the warm-up (${warmUp}-${middle.toFixed(0)} s) → second half`,
          value: span(peak(first, rss), peak(second, rss)),
        },
        {
          label: 'RSS growth after warm-up (peak to peak)',
          value: percent(peak(first, rss), peak(second, rss)),
          target: '< 10%',
          met: growth < 0.1,
        },
        { label: 'lowest RSS, first half → second half', value: span(trough(first, rss), trough(second, rss)) },
        { label: 'peak heap used, first half → second half', value: span(peak(first, heap), peak(second, heap)) },
        { label: 'lowest heap used, first half → second half', value: span(trough(first, heap), trough(second, heap)) },
        { label: 'failed, timed-out or non-2xx responses', value: String(failures), target: '0', met: failures === 0 },
      ];
      return {
        name: 'gateway-soak',
        title: gatewaySoakBenchmark.title,
        figures,
        notes: [
          `The Tenantry gateway (gateway/dist/main.js, one process, NODE_ENV=production, rate limit off) over the federation-shape subgraphs; autocannon, ${CONNECTIONS} connections, ${seconds} s; RSS from /proc and heap from the gateway's /metrics every ${every} s (${samples.length} samples).`,
          `Half the requests reuse ${HOT_DOCUMENTS} documents, half are documents never sent before; every request carries its APQ hash, so each new document is also registered in the APQ cache.`,
          `QUERY_PLAN_CACHE_MIB, DOCUMENT_CACHE_MIB and APQ_MEMORY_CACHE_MIB are ${CACHE_MIB} here (default 30) so the caches reach their bounds inside the warm-up at this machine's request rate; at the default they bound the same way, later. The operation guard remembers at most 5,000 accepted documents and the metrics at most 200 operation names.`,
          'The lowest heap used is the live data just after a full collection: flat means nothing accumulates. RSS keeps the pages V8 once used, so its troughs climb to the high-water mark of the sawtooth and then stay there; its peaks are what must not keep rising.',
          `Samples (s: RSS MB / heap MB): ${samples
            .filter((_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0)
            .map((s) => `${s.at.toFixed(0)}: ${s.rssMb.toFixed(0)}/${s.heapMb.toFixed(0)}`)
            .join(', ')}.`,
        ],
      };
    } finally {
      await stack.stop();
    }
  },
};
