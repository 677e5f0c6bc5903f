import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a partner's API key may be granted; fields opt in with hasScope (deny by default). */
export const API_KEY_SCOPES = ['tenant:read', 'members:read', 'usage:read', 'usage:write', 'audit:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** `tk_<12 hex prefix>_<256 random bits, base64url>`: the prefix finds the row, the hash proves the key. */
const API_KEY = /^tk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export function newApiKey(): { key: string; prefix: string; hash: Buffer } {
  const prefix = randomBytes(6).toString('hex');
  const key = `tk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The lookup prefix of a well-formed key, or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return API_KEY.exec(key)?.[1];
}

export function apiKeyMatches(key: string, storedHash: Buffer): boolean {
  const hash = hashApiKey(key);
  return storedHash.length === hash.length && timingSafeEqual(hash, storedHash);
}
