import { hashRefreshToken, newRefreshToken } from './refresh-token';

describe('refresh tokens', () => {
  it('are prefixed, 256-bit and different every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newRefreshToken().token));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^trt_[A-Za-z0-9_-]{43}$/);
  });

  it('hash to the same 32 bytes the token was stored under', () => {
    const { token, hash } = newRefreshToken();
    expect(hash).toHaveLength(32);
    expect(hashRefreshToken(token)!.equals(hash)).toBe(true);
  });

  it('refuse to hash anything not shaped like a refresh token', () => {
    expect(hashRefreshToken('')).toBeUndefined();
    expect(hashRefreshToken('trt_short')).toBeUndefined();
    expect(hashRefreshToken(`xx_${'a'.repeat(43)}`)).toBeUndefined();
    expect(hashRefreshToken(`trt_${'a'.repeat(42)}'`)).toBeUndefined();
  });
});
