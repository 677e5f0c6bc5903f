import { invitationTokens, refreshTokens } from './opaque-token';

describe('opaque tokens', () => {
  it('are prefixed, 256-bit and different every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => refreshTokens.create().token));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^trt_[A-Za-z0-9_-]{43}$/);
  });

  it('hash to the same 32 bytes the token was stored under', () => {
    const { token, hash } = refreshTokens.create();
    expect(hash).toHaveLength(32);
    expect(refreshTokens.hash(token)!.equals(hash)).toBe(true);
  });

  it('refuse to hash anything not shaped like a token of their kind', () => {
    expect(refreshTokens.hash('')).toBeUndefined();
    expect(refreshTokens.hash('trt_short')).toBeUndefined();
    expect(refreshTokens.hash(`xx_${'a'.repeat(43)}`)).toBeUndefined();
    expect(refreshTokens.hash(`trt_${'a'.repeat(42)}'`)).toBeUndefined();
    // An invitation token is not a refresh token, and the other way round.
    expect(refreshTokens.hash(invitationTokens.create().token)).toBeUndefined();
    expect(invitationTokens.hash(refreshTokens.create().token)).toBeUndefined();
  });
});
