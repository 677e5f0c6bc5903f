import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = randomBytes(20);

  it('round-trips for the same context, never storing the plain bytes', () => {
    const sealed = box.seal(secret, 'user-1');
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(box.open(sealed, 'user-1').equals(secret)).toBe(true);
  });

  it('refuses another context, another key and a tampered box', () => {
    const sealed = box.seal(secret, 'user-1');
    expect(() => box.open(sealed, 'user-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'user-1')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x'.repeat(20)).toString('base64url');
    expect(() => box.open(parts.join('.'), 'user-1')).toThrow();
  });

  it('derives the same key from the same material and purpose only', () => {
    const a = SecretBox.derive('material', 'mfa');
    expect(a.open(SecretBox.derive('material', 'mfa').seal(secret, 'c'), 'c').equals(secret)).toBe(true);
    expect(() => SecretBox.derive('material', 'other').open(a.seal(secret, 'c'), 'c')).toThrow();
  });
});
