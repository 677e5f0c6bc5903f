import { base32Decode, base32Encode, hotp, matchTotp, totp } from './totp';

// RFC 6238 appendix B, SHA-1 rows (8 digits) with the ASCII secret "12345678901234567890".
const RFC_SECRET = Buffer.from('12345678901234567890');

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC test vector at T=%i', (time, expected) => {
    expect(totp(RFC_SECRET, time, 8)).toBe(expected);
  });

  it('matches RFC 4226 HOTP values for the first counters', () => {
    expect([0, 1, 2, 3].map((c) => hotp(RFC_SECRET, c))).toEqual(['755224', '287082', '359152', '969429']);
  });

  it('accepts a code from the previous or next step, not two steps away', () => {
    const now = 1_700_000_000;
    expect(matchTotp(RFC_SECRET, totp(RFC_SECRET, now - 30), now)).toBe(Math.floor(now / 30) - 1);
    expect(matchTotp(RFC_SECRET, totp(RFC_SECRET, now + 30), now)).toBe(Math.floor(now / 30) + 1);
    expect(matchTotp(RFC_SECRET, totp(RFC_SECRET, now - 60), now)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, 'abcdef', now)).toBeUndefined();
  });

  it('round-trips base32 (RFC 4648 vector)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(base32Decode(base32Encode(RFC_SECRET)).equals(RFC_SECRET)).toBe(true);
  });
});
