import type { SigningKey } from '@tenantry/auth';
import { callInternal } from '../internal-call';
import type { GuardLimits } from '../operation-limits/operation-guard';

export type PqMode = 'off' | 'audit' | 'enforce';

export interface ClientPolicy {
  name: string;
  mode: PqMode;
  /** Active persisted operations: id (sha256 hex of the body) -> body. */
  operations: ReadonlyMap<string, string>;
  limits: GuardLimits;
}

interface SnapshotClient {
  name: string;
  mode: PqMode;
  operationLimits: Partial<GuardLimits>;
  operations: Record<string, string>;
}

/**
 * The gateway's copy of the platform client registry (ADR 0016): polled from the tenant
 * subgraph every `refreshSeconds` with the ETag of the last answer, so an unchanged registry
 * costs a 304 and a newly published manifest takes effect within one refresh interval.
 * Until the first answer arrives (or when a client is unknown) a bound caller gets an empty,
 * enforcing policy: the registry fails closed.
 */
export class ClientRegistry {
  private clients = new Map<string, ClientPolicy>();
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  loaded = false;

  constructor(
    private readonly options: {
      url: string;
      signingKey: SigningKey;
      refreshSeconds: number;
      defaultLimits: GuardLimits;
      onError?: (error: unknown) => void;
      onChange?: (clients: number, operations: number) => void;
    },
  ) {}

  /** Loads once (not failing start-up when the tenant subgraph is late), then keeps refreshing. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The policy of a registered client; an unknown one is enforce with nothing allowed. */
  policy(name: string): ClientPolicy {
    return this.clients.get(name) ?? { name, mode: 'enforce', operations: new Map(), limits: this.options.defaultLimits };
  }

  refresh(): Promise<void> {
    this.inFlight ??= this.fetchSnapshot().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchSnapshot(): Promise<void> {
    try {
      const response = await callInternal(this.options.url, this.options.signingKey, 'pq-registry-refresh', {
        headers: this.etag ? { 'if-none-match': this.etag } : {},
        timeoutMs: 5_000,
      });
      if (response.status === 304) return;
      if (!response.ok) throw new Error(`persisted-query registry answered HTTP ${response.status}`);
      const snapshot = (await response.json()) as { clients: SnapshotClient[] };
      const next = new Map<string, ClientPolicy>();
      let operations = 0;
      for (const client of snapshot.clients) {
        next.set(client.name, {
          name: client.name,
          mode: client.mode,
          operations: new Map(Object.entries(client.operations)),
          limits: effectiveLimits(this.options.defaultLimits, client.operationLimits, client.mode),
        });
        operations += Object.keys(client.operations).length;
      }
      this.clients = next;
      this.etag = response.headers.get('etag') ?? undefined;
      this.loaded = true;
      this.options.onChange?.(next.size, operations);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/**
 * A client's limits: its overrides over the gateway defaults. Raising a limit takes effect only
 * in enforce mode, where nothing but the client's reviewed manifest runs; in off and audit
 * modes an override can only tighten (a tenant admin may bind a key to any client, which must
 * never widen what that key can send).
 */
export function effectiveLimits(defaults: GuardLimits, overrides: Partial<GuardLimits>, mode: PqMode): GuardLimits {
  const limits = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof GuardLimits)[]) {
    const value = overrides[key];
    if (typeof value !== 'number') continue;
    limits[key] = mode === 'enforce' ? value : Math.min(value, defaults[key]);
  }
  return limits;
}
