import { SignJWT } from 'jose';
import { generateSigningJwk, importSigningKey, importVerifyKey, type SigningKey } from './keys';
import { CONTEXT_TOKEN_TTL_SECONDS, signContextToken, verifyContextToken, type RequestContextClaims } from './context-token';

const claims: RequestContextClaims = {
  requestId: 'req-0001-abcdef',
  tenantId: '3f2a6c1e-9b7d-4c2a-8e1f-0a1b2c3d4e5f',
  principal: { kind: 'user', userId: '9c1f7e2a-0000-4000-8000-000000000001', role: 'admin', platformRole: 'support' },
};

const unauthenticated = expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });

async function keyPair(): Promise<{ signing: SigningKey; verify: Awaited<ReturnType<typeof importVerifyKey>> }> {
  const { privateJwk, publicJwk } = await generateSigningJwk();
  return { signing: await importSigningKey(JSON.stringify(privateJwk)), verify: await importVerifyKey(JSON.stringify(publicJwk)) };
}

/** A token shaped like the gateway's, with the given overrides (for the cases it must refuse). */
function craft(
  key: SigningKey,
  options: { issuer?: string; audience?: string; typ?: string; iat?: number; exp?: number; payload?: Record<string, unknown> } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(options.payload ?? { rid: claims.requestId, tid: claims.tenantId, prn: claims.principal })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: options.typ ?? 'tenantry-context+jwt' })
    .setIssuer(options.issuer ?? 'tenantry-gateway')
    .setAudience(options.audience ?? 'tenantry-subgraph')
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + CONTEXT_TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}

describe('context tokens', () => {
  let gateway: Awaited<ReturnType<typeof keyPair>>;
  let stranger: Awaited<ReturnType<typeof keyPair>>;
  beforeAll(async () => {
    gateway = await keyPair();
    stranger = await keyPair();
  });

  it('round-trip the tenant, principal and request id the gateway established', async () => {
    const token = await signContextToken(gateway.signing, claims);
    await expect(verifyContextToken(gateway.verify, token)).resolves.toEqual(claims);
  });

  it('round-trip an anonymous caller without a tenant', async () => {
    const anonymous: RequestContextClaims = { requestId: 'req-anon-0001', principal: { kind: 'anonymous' } };
    const token = await signContextToken(gateway.signing, anonymous);
    await expect(verifyContextToken(gateway.verify, token)).resolves.toEqual(anonymous);
  });

  it('round-trip an API key principal with its scopes', async () => {
    const apiKey: RequestContextClaims = {
      requestId: 'req-key-0001',
      tenantId: claims.tenantId!,
      principal: { kind: 'api_key', keyId: 'key_123', scopes: ['usage:write'] },
    };
    await expect(verifyContextToken(gateway.verify, await signContextToken(gateway.signing, apiKey))).resolves.toEqual(apiKey);
  });

  it('round-trip the client address the gateway saw', async () => {
    const withIp: RequestContextClaims = { ...claims, clientIp: '203.0.113.7' };
    await expect(verifyContextToken(gateway.verify, await signContextToken(gateway.signing, withIp))).resolves.toEqual(withIp);
  });

  it('refuses a missing token as UNAUTHENTICATED', async () => {
    await expect(verifyContextToken(gateway.verify, undefined)).rejects.toEqual(unauthenticated);
    await expect(verifyContextToken(gateway.verify, '')).rejects.toEqual(unauthenticated);
  });

  it('refuses a tampered payload (another tenant swapped in) as UNAUTHENTICATED', async () => {
    const token = await signContextToken(gateway.signing, claims);
    const [header, payload, signature] = token.split('.');
    const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...decoded, tid: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    await expect(verifyContextToken(gateway.verify, `${header}.${forged}.${signature}`)).rejects.toEqual(unauthenticated);
  });

  it('refuses a tampered signature as UNAUTHENTICATED', async () => {
    const token = await signContextToken(gateway.signing, claims);
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    await expect(verifyContextToken(gateway.verify, flipped)).rejects.toEqual(unauthenticated);
  });

  it('refuses a token signed by a foreign key as UNAUTHENTICATED', async () => {
    const token = await signContextToken(stranger.signing, claims);
    await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
  });

  it('refuses a token for the wrong audience as UNAUTHENTICATED', async () => {
    const token = await craft(gateway.signing, { audience: 'tenantry' });
    await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
  });

  it('refuses a token from the wrong issuer as UNAUTHENTICATED', async () => {
    const token = await craft(gateway.signing, { issuer: 'tenantry-identity' });
    await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
  });

  it('refuses an access token type presented as a context as UNAUTHENTICATED', async () => {
    const token = await craft(gateway.signing, { typ: 'at+jwt' });
    await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
  });

  it('refuses an expired token as UNAUTHENTICATED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await craft(gateway.signing, { iat: now - 120, exp: now - 60 });
    await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
  });

  it('refuses a token older than the maximum age even if its expiry is far away', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await craft(gateway.signing, { iat: now - 600, exp: now + 3600 });
    await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
  });

  it('refuses a validly signed token without a principal or request id as UNAUTHENTICATED', async () => {
    const noPrincipal = await craft(gateway.signing, { payload: { rid: 'req-1234-5678', tid: claims.tenantId } });
    const noRequestId = await craft(gateway.signing, { payload: { prn: { kind: 'anonymous' } } });
    const unknownKind = await craft(gateway.signing, { payload: { rid: 'req-1234-5678', prn: { kind: 'root' } } });
    for (const token of [noPrincipal, noRequestId, unknownKind]) {
      await expect(verifyContextToken(gateway.verify, token)).rejects.toEqual(unauthenticated);
    }
  });

  it('refuses garbage as UNAUTHENTICATED', async () => {
    await expect(verifyContextToken(gateway.verify, 'not.a.jwt')).rejects.toEqual(unauthenticated);
  });
});
