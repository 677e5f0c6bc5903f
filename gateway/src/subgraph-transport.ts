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
  const fetcher = (async (url: string, init: FetcherRequestInit = {}) => {
    const started = process.hrtime.bigint();
    try {
      const response = await send(url, init, url.startsWith('https:') ? httpsAgent : httpAgent, options.timeoutMs);
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

function send(url: string, init: FetcherRequestInit, agent: http.Agent, timeoutMs: number): Promise<FetcherResponse> {
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
        resolve(new BufferedResponse(url, response.statusCode ?? 0, response.statusMessage ?? '', responseHeaders, Buffer.concat(chunks)));
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
    return new BufferedResponse(this.url, this.status, this.statusText, new Headers(this.headers), this.body);
  }
}
