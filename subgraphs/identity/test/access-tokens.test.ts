import { SignJWT, UnsecuredJWT } from 'jose';
import { generateSigningJwk, importSigningKey, type SigningKey } from '@tenantry/auth';
import { errorCodes, graphql, useStack } from '@tenantry/testing';
import { signIn, signUp, uniqueEmail, type Tokens } from './auth-flows';

/** Access tokens identity issued at sign-in, and forgeries of them the gateway must refuse. */
describe('access tokens at the gateway', () => {
  const fixture = useStack();
  let tokens: Tokens;
  let userId: string;
  let foreignKeyWithIdentityKid: SigningKey;

  beforeAll(async () => {
    const email = uniqueEmail('jwt');
    await signUp(fixture.stack.gatewayUrl, { email, organisation: { name: 'JWT Co', slug: `jwt-${Date.now().toString(36)}` } });
    tokens = await signIn(fixture.stack.gatewayUrl, email);
    userId = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()).sub;
    const foreign = await generateSigningJwk();
    // Same kid as identity's key: only the signature can tell them apart.
    foreignKeyWithIdentityKid = await importSigningKey(JSON.stringify({ ...foreign.privateJwk, kid: fixture.stack.accessKey.kid }));
  });

  const now = () => Math.floor(Date.now() / 1000);

  /** A token shaped like identity's, signed with `key`, with overrides. */
  function craft(
    key: SigningKey,
    o: { audience?: string; issuer?: string; typ?: string; iat?: number; exp?: number; claims?: Record<string, unknown> } = {},
  ) {
    return new SignJWT(o.claims ?? { tid: tokens.tenantId, role: 'owner' })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: o.typ ?? 'at+jwt' })
      .setIssuer(o.issuer ?? 'tenantry-identity')
      .setAudience(o.audience ?? 'tenantry')
      .setSubject(userId)
      .setIssuedAt(o.iat ?? now())
      .setExpirationTime(o.exp ?? now() + 300)
      .sign(key.privateKey);
  }

  async function expectRefused(token: string) {
    const res = await graphql(fixture.stack.gatewayUrl, '{ me { id } }', { token });
    expect({ status: res.status, codes: errorCodes(res), data: res.body.data ?? null }).toEqual({
      status: 401,
      codes: ['UNAUTHENTICATED'],
      data: null,
    });
  }

  it('the token sign-in issued is EdDSA with a kid and is served', async () => {
    const header = JSON.parse(Buffer.from(tokens.accessToken.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: fixture.stack.accessKey.kid, typ: 'at+jwt' });
    const res = await graphql(fixture.stack.gatewayUrl, '{ me { id } currentTenant { id } }', { token: tokens.accessToken });
    expect(res.body.data).toEqual({ me: { id: userId }, currentTenant: { id: tokens.tenantId } });
  });

  it('a crafted token with the right key is served (the control for the refusals below)', async () => {
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, '{ me { id } }', { token: await craft(fixture.stack.accessKey) }))).toEqual(
      [],
    );
  });

  it('refuses alg "none"', async () => {
    const unsigned = new UnsecuredJWT({ tid: tokens.tenantId, role: 'owner' })
      .setIssuer('tenantry-identity')
      .setAudience('tenantry')
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await expectRefused(unsigned);
  });

  it("refuses a token signed by another key that claims identity's kid", async () => {
    await expectRefused(await craft(foreignKeyWithIdentityKid));
  });

  it('refuses the wrong audience', async () => {
    await expectRefused(await craft(fixture.stack.accessKey, { audience: 'tenantry-subgraph' }));
  });

  it('refuses the wrong issuer', async () => {
    await expectRefused(await craft(fixture.stack.accessKey, { issuer: 'tenantry-gateway' }));
  });

  it('refuses another token type (a context token presented as an access token)', async () => {
    await expectRefused(await craft(fixture.stack.accessKey, { typ: 'tenantry-context+jwt' }));
  });

  it('refuses an expired token', async () => {
    await expectRefused(await craft(fixture.stack.accessKey, { iat: now() - 600, exp: now() - 60 }));
  });

  it('refuses a token whose payload was changed to another role', async () => {
    const [header, payload, signature] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'owner', prole: 'platform_admin' })).toString('base64url');
    await expectRefused(`${header}.${forged}.${signature}`);
  });

  it('refuses a refresh token presented as an access token', async () => {
    await expectRefused(tokens.refreshToken);
  });
});
