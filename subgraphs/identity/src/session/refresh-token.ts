import { createHash, randomBytes } from 'node:crypto';

/** Opaque refresh tokens: a recognisable prefix and 256 random bits, base64url. */
const PREFIX = 'trt_';
const SHAPE = /^trt_[A-Za-z0-9_-]{43}$/;

export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token)! };
}

/**
 * SHA-256 of the token: enough for 256 random bits (no dictionary to try), and a lookup by
 * hash stays an index probe. Undefined for anything not shaped like one of our tokens.
 */
export function hashRefreshToken(token: string): Buffer | undefined {
  if (!SHAPE.test(token)) return undefined;
  return createHash('sha256').update(token).digest();
}
