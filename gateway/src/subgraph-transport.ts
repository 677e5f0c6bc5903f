import http from 'node:http';
import https from 'node:https';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { secondsSince, subgraphFetchDuration } from '@tenantry/metrics';

export interface SubgraphTransportOptions {
  /** Subgraph name, for the fetch-duration metric. */
  subgraph: string;
  /** Deadline per call: a slow subgraph fails its part of the plan instead of holding the request. */
  timeoutMs: number;
  /** Keep-alive connections held open to this subgraph (per gateway process). */
  maxSockets: number;
  /** Share one call among identical calls already in flight (those marked with INFLIGHT_KEY_HEADER). */
  dedupInflight: boolean;
}

/**
 * Set by the data source on calls that may be shared (queries), to the identity the subgraph
 * authorises on; never sent to the subgraph. Calls share only when this, the URL and the body
 * (document and variables) are all equal.
 */
export const INFLIGHT_KEY_HEADER = 'x-tenantry-inflight-key';

interface Received {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
}

export interface SubgraphTransport {
  fetcher: Fetcher;
  /** Closes the idle keep-alive connections. */
  close: () => void;
}

/**
 * Subgraph calls over node:http with a keep-alive agent per subgraph. Node's global fetch
 * also keeps connections alive, but its WHATWG streams cost more per call than the request
 * itself for the small JSON bodies a plan sends, and a query plan sends many of them
 * (ADR 0024). The body is buffered whole: subgraph responses are JSON the gateway parses anyway.
 */
export function createSubgraphTransport(options: SubgraphTransportOptions): SubgraphTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const inflight = new Map<string, Promise<Received>>();
  const call = (url: string, init: FetcherRequestInit): Promise<Received> => {
    const headers = { ...init.headers };
    const identity = headers[INFLIGHT_KEY_HEADER];
    delete headers[INFLIGHT_KEY_HEADER];
    const request = () => send(url, { ...init, headers }, url.startsWith('https:') ? httpsAgent : httpAgent, options.timeoutMs);
    if (!options.dedupInflight || identity === undefined || typeof init.body !== 'string') return request();
    const key = `${url}\n${identity}\n${init.body}`;
    const pending = inflight.get(key);
    if (pending) return pending;
    const started = request().finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  };
  const fetcher = (async (url: string, init: FetcherRequestInit = {}) => {
    const started = process.hrtime.bigint();
    try {
      // Each caller gets its own response object over the shared bytes, and parses its own copy.
      const received = await call(url, init);
      const response = new BufferedResponse(url, received.status, received.statusText, received.headers, received.body);
      subgraphFetchDuration.observe({ subgraph: options.subgraph, outcome: response.ok ? 'ok' : 'error' }, secondsSince(started));
      return response;
    } catch (error) {
      const outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      subgraphFetchDuration.observe({ subgraph: options.subgraph, outcome }, secondsSince(started));
      throw error;
    }
  }) as Fetcher;
  return {
    fetcher,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function send(url: string, init: FetcherRequestInit, agent: http.Agent, timeoutMs: number): Promise<Received> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
    const headers: Record<string, string | number> = { ...init.headers };
    if (body) headers['content-length'] = body.length;
    const request = (url.startsWith('https:') ? https : http).request(url, { method: init.method ?? 'GET', headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: responseHeaders,
          body: Buffer.concat(chunks),
        });
      });
    });
    request.setTimeout(timeoutMs, () => {
      const error = new Error(`subgraph did not answer within ${timeoutMs} ms`);
      error.name = 'TimeoutError';
      request.destroy(error);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The part of a fetch Response the gateway's data sources read, over a body already received. */
class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  bodyUsed = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    /** Shared between callers of one deduplicated call: read, never written, by the gateway. */
    readonly headers: Headers,
    private readonly body: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.statusText, this.headers, this.body);
  }
}
