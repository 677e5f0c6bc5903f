import { generateSigningJwk } from '@tenantry/auth';
import { AuditSigningService } from './audit-signing.service';

const privateJwk = async () => (await generateSigningJwk()).privateJwk;

describe('the audit signing key', () => {
  it('verifies what it signed, only as the kind it was signed as', async () => {
    const signing = await AuditSigningService.fromPrivateJwk(JSON.stringify(await privateJwk()));
    const token = await signing.sign('checkpoint', { tid: 't', seq: '1', hash: 'ab' }, new Date());

    expect(await signing.verify('checkpoint', token)).toMatchObject({ tid: 't', seq: '1', hash: 'ab', iss: 'tenantry-audit' });
    expect(await signing.verify('purge', token)).toBeUndefined();
    expect(await signing.verify('checkpoint', `${token.slice(0, -4)}AAAA`)).toBeUndefined();
    expect(await signing.verify('checkpoint', 'not.a.token')).toBeUndefined();
  });

  it('still verifies statements of a retired key after rotation, when its public key is kept', async () => {
    const oldJwk = await privateJwk();
    const old = await AuditSigningService.fromPrivateJwk(JSON.stringify(oldJwk));
    const token = await old.sign('checkpoint', { tid: 't', seq: '9', hash: 'cd' }, new Date());
    const { d: _private, ...oldPublic } = oldJwk;

    const rotated = await AuditSigningService.fromPrivateJwk(JSON.stringify(await privateJwk()), JSON.stringify([oldPublic]));
    const forgetful = await AuditSigningService.fromPrivateJwk(JSON.stringify(await privateJwk()));

    expect(await rotated.verify('checkpoint', token)).toMatchObject({ seq: '9' });
    expect(await forgetful.verify('checkpoint', token)).toBeUndefined();
    expect(rotated.verificationKeys.keys.map((k) => k.kid)).toEqual([rotated.keyId, oldJwk.kid]);
    expect(rotated.verificationKeys.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('refuses a retired key without a kid or with the current kid', async () => {
    const current = await privateJwk();
    const { d: _p, ...currentPublic } = current;
    await expect(AuditSigningService.fromPrivateJwk(JSON.stringify(current), JSON.stringify([currentPublic]))).rejects.toThrow(/kid/);
    await expect(AuditSigningService.fromPrivateJwk(JSON.stringify(current), JSON.stringify([{ kty: 'OKP' }]))).rejects.toThrow(/kid/);
  });
});
