import { createHash } from 'node:crypto';
import type { SigningKey } from '@tenantry/auth';
import { callInternal } from './internal-call';

export interface ApiKeyIdentity {
  keyId: string;
  tenantId: string;
  scopes: string[];
  /** The client the key is bound to (its persisted-query safelist governs the key). */
  client?: string;
}

export type VerifyApiKey = (key: string, requestId: string) => Promise<ApiKeyIdentity | undefined>;

/**
 * Asks identity whether an API key is valid, with the gateway's signed context as credential,
 * and remembers valid answers for `cacheSeconds` (keyed by the key's hash, never the key).
 * Refusals are not cached, so a key created a moment ago works at once. Fails closed: if identity
 * cannot answer, the key is treated as invalid.
 */
export function createApiKeyVerifier(options: {
  url: string;
  signingKey: SigningKey;
  cacheSeconds: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}): VerifyApiKey {
  const cache = new Map<string, { identity: ApiKeyIdentity; until: number }>();
  const MAX_ENTRIES = 10_000;
  return async (key, requestId) => {
    const id = createHash('sha256').update(key).digest('base64url');
    const cached = cache.get(id);
    if (cached && cached.until > Date.now()) return cached.identity;
    cache.delete(id);
    let response: Response;
    try {
      response = await callInternal(options.url, options.signingKey, requestId, {
        body: { key },
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
    } catch (error) {
      options.onError?.(error);
      return undefined;
    }
    if (!response.ok) {
      if (response.status !== 401) options.onError?.(new Error(`api key verification answered HTTP ${response.status}`));
      return undefined;
    }
    const identity = (await response.json()) as ApiKeyIdentity;
    if (options.cacheSeconds > 0) {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(id, { identity, until: Date.now() + options.cacheSeconds * 1000 });
    }
    return identity;
  };
}
