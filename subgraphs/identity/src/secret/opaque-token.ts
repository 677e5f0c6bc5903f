import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets handed to a person once (refresh tokens, invitation links): a recognisable
 * prefix and 256 random bits, base64url. Only their SHA-256 is stored — enough for 256 random
 * bits (there is no dictionary to try), and a lookup by hash stays an index probe.
 */
export class OpaqueTokenKind {
  private readonly shape: RegExp;

  constructor(readonly prefix: string) {
    if (!/^[a-z]{2,8}_$/.test(prefix)) throw new Error('token prefix must be 2-8 lower-case letters and _');
    this.shape = new RegExp(`^${prefix}[A-Za-z0-9_-]{43}$`);
  }

  create(): { token: string; hash: Buffer } {
    const token = `${this.prefix}${randomBytes(32).toString('base64url')}`;
    return { token, hash: this.hash(token)! };
  }

  /** Undefined for anything not shaped like a token of this kind. */
  hash(token: string): Buffer | undefined {
    if (!this.shape.test(token)) return undefined;
    return createHash('sha256').update(token).digest();
  }
}

export const refreshTokens = new OpaqueTokenKind('trt_');
export const invitationTokens = new OpaqueTokenKind('tinv_');
export const verificationTokens = new OpaqueTokenKind('tver_');
export const resetTokens = new OpaqueTokenKind('trst_');
