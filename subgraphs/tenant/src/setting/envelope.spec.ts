import { randomBytes } from 'node:crypto';
import { MasterKeyring, masterKeyFromBase64, newDataKey, open, seal, settingAssociatedData, unwrapDataKey, wrapDataKey } from './envelope';

const tenantA = '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f';
const tenantB = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const master = masterKeyFromBase64(randomBytes(32).toString('base64'));

describe('envelope encryption', () => {
  it('round-trips a secret and never leaves the plaintext in the sealed bytes', () => {
    const dataKey = newDataKey();
    const sealed = seal(dataKey, Buffer.from('hunter2-super-secret'), settingAssociatedData(tenantA, 'smtp.password'));
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    expect(open(dataKey, sealed, settingAssociatedData(tenantA, 'smtp.password')).toString()).toBe('hunter2-super-secret');
  });

  it('uses a fresh IV each time, so equal secrets seal differently', () => {
    const dataKey = newDataKey();
    const ad = settingAssociatedData(tenantA, 'k');
    expect(seal(dataKey, Buffer.from('same'), ad).equals(seal(dataKey, Buffer.from('same'), ad))).toBe(false);
  });

  it('refuses a value moved to another tenant or key, or tampered with', () => {
    const dataKey = newDataKey();
    const sealed = seal(dataKey, Buffer.from('secret'), settingAssociatedData(tenantA, 'k'));
    expect(() => open(dataKey, sealed, settingAssociatedData(tenantB, 'k'))).toThrow();
    expect(() => open(dataKey, sealed, settingAssociatedData(tenantA, 'other'))).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => open(dataKey, flipped, settingAssociatedData(tenantA, 'k'))).toThrow();
  });

  it('wraps a data key in 60 bytes bound to its tenant', () => {
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(master, dataKey, tenantA);
    expect(wrapped).toHaveLength(60);
    expect(unwrapDataKey(master, wrapped, tenantA).equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(master, wrapped, tenantB)).toThrow();
  });

  it('names master keys by a fingerprint and finds previous ones in the keyring', () => {
    const next = masterKeyFromBase64(randomBytes(32).toString('base64'));
    const ring = new MasterKeyring(next, [master]);
    expect(master.id).toMatch(/^[0-9a-f]{16}$/);
    expect(ring.get(master.id)).toBe(master);
    expect(ring.current).toBe(next);
    expect(() => new MasterKeyring(next).get(master.id)).toThrow(/not configured/);
    expect(() => masterKeyFromBase64(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
