import type { SigningKey } from '@tenantry/auth';
import { callInternal } from '../internal-call';

/** An address the gateway can meet before it knows the tenant: a slug, or a custom domain. */
export type TenantAddress = { slug: string } | { domain: string };

/** The tenant id an address names, or null when it names none. Throws when the answer cannot be had. */
export type LookUpTenant = (address: TenantAddress, requestId: string) => Promise<string | null>;

export class TenantDirectoryUnavailableError extends Error {
  constructor(cause: unknown) {
    super('tenant directory unavailable', { cause });
    this.name = 'TenantDirectoryUnavailableError';
  }
}

export interface TenantDirectoryOptions {
  /** The tenant subgraph's /internal/tenants/resolve. */
  url: string;
  signingKey: SigningKey;
  /** How many addresses are remembered (least recently used goes first); 0 turns the cache off. */
  cacheSize: number;
  /** How long a found tenant is trusted: also how late a changed slug or lost domain bites. */
  ttlSeconds: number;
  /** How long "no tenant here" is remembered: short, so a new tenant resolves soon. */
  negativeTtlSeconds: number;
  timeoutMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Asks the tenant subgraph which tenant a slug or domain names, with the gateway's signed
 * context as credential (as for API keys), and remembers answers in a bounded LRU so a hit
 * costs no round trip. Concurrent misses for one address share one lookup. Failures are not
 * remembered, and fail closed (the caller refuses).
 */
export function createTenantDirectory(options: TenantDirectoryOptions): LookUpTenant & { cacheSize: () => number } {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { tenantId: string | null; until: number }>();
  const pending = new Map<string, Promise<string | null>>();
  const lookUp = async (address: TenantAddress, requestId: string): Promise<string | null> => {
    const key = 'slug' in address ? `s:${address.slug}` : `d:${address.domain}`;
    const cached = cache.get(key);
    if (cached) {
      cache.delete(key);
      if (cached.until > now()) {
        cache.set(key, cached); // most recently used goes last
        return cached.tenantId;
      }
    }
    const inFlight = pending.get(key);
    if (inFlight) return inFlight;
    const lookup = ask(options, address, requestId)
      .then((tenantId) => {
        const ttl = tenantId ? options.ttlSeconds : options.negativeTtlSeconds;
        if (options.cacheSize > 0 && ttl > 0) {
          while (cache.size >= options.cacheSize) cache.delete(cache.keys().next().value!);
          cache.set(key, { tenantId, until: now() + ttl * 1000 });
        }
        return tenantId;
      })
      .catch((error: unknown) => {
        options.onError?.(error instanceof TenantDirectoryUnavailableError ? error.cause : error);
        throw error;
      })
      .finally(() => pending.delete(key));
    pending.set(key, lookup);
    return lookup;
  };
  return Object.assign(lookUp, { cacheSize: () => cache.size });
}

async function ask(options: TenantDirectoryOptions, address: TenantAddress, requestId: string): Promise<string | null> {
  let response: Response;
  try {
    response = await callInternal(options.url, options.signingKey, requestId, {
      body: address,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  } catch (error) {
    throw new TenantDirectoryUnavailableError(error);
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new TenantDirectoryUnavailableError(new Error(`tenant resolution answered HTTP ${response.status}`));
  const body = (await response.json()) as { tenantId?: unknown };
  if (typeof body.tenantId !== 'string') throw new TenantDirectoryUnavailableError(new Error('tenant resolution answered no id'));
  return body.tenantId;
}
