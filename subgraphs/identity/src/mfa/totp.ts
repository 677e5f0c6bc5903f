import { createHmac } from 'node:crypto';

/** RFC 4648 base32 (no padding), the form authenticator apps take secrets in. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error('invalid base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const TOTP_STEP_SECONDS = 30;

/** RFC 4226 HOTP with HMAC-SHA1 and dynamic truncation. */
export function hotp(secret: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, '0');
}

/** RFC 6238 TOTP: HOTP of the 30-second step `unixSeconds` falls in. */
export function totp(secret: Buffer, unixSeconds: number, digits = 6): string {
  return hotp(secret, Math.floor(unixSeconds / TOTP_STEP_SECONDS), digits);
}

/**
 * The step a code belongs to, within ±`window` steps of now (clock drift), or undefined.
 * Callers refuse steps at or before the last one used, so a code works once.
 */
export function matchTotp(secret: Buffer, code: string, unixSeconds: number, window = 1): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = Math.floor(unixSeconds / TOTP_STEP_SECONDS);
  for (let step = now - window; step <= now + window; step += 1) {
    if (hotp(secret, step) === code) return step;
  }
  return undefined;
}

export function otpauthUri(secretBase32: string, account: string, issuer = 'Tenantry'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${TOTP_STEP_SECONDS}`;
}
