import { apiKeyMatches, apiKeyPrefix, isApiKeyScope, newApiKey } from './api-key';

describe('API keys', () => {
  it('carry their lookup prefix and verify against their stored hash only', () => {
    const { key, prefix, hash } = newApiKey();
    expect(key).toMatch(/^tk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(apiKeyMatches(key, hash)).toBe(true);
    expect(apiKeyMatches(newApiKey().key, hash)).toBe(false);
    expect(apiKeyMatches(key, Buffer.alloc(3))).toBe(false);
  });

  it('refuse a malformed key before any lookup', () => {
    expect(apiKeyPrefix('tk_short')).toBeUndefined();
    expect(apiKeyPrefix(`tk_${'g'.repeat(12)}_${'a'.repeat(43)}`)).toBeUndefined();
    expect(apiKeyPrefix(`Bearer tk_${'a'.repeat(12)}_${'a'.repeat(43)}`)).toBeUndefined();
  });

  it('know their scopes', () => {
    expect(isApiKeyScope('usage:read')).toBe(true);
    expect(isApiKeyScope('admin')).toBe(false);
  });
});
