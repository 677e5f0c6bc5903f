import { errorCodes, graphql, useStack } from '@tenantry/testing';
import { base32Decode, totp } from '../src/mfa/totp';
import { PASSWORD, SIGN_IN, reasons, signIn, signUp, uniqueEmail } from './auth-flows';

const ENROLL = 'mutation { enrollMfa { secret otpauthUri } }';
const CONFIRM = 'mutation ($code: String!) { confirmMfa(code: $code) }';
const DISABLE = 'mutation ($code: String!) { disableMfa(code: $code) }';

/** TOTP (RFC 6238) second factor with recovery codes, through the gateway. */
describe('two-factor sign-in', () => {
  const fixture = useStack();

  const now = () => Date.now() / 1000;
  const attempt = (email: string, password: string, mfaCode?: string) =>
    graphql<{ signIn: { accessToken: string } }>(fixture.stack.gatewayUrl, SIGN_IN, { variables: { input: { email, password, mfaCode } } });

  /** A signed-up person with two-factor on; `seed` makes codes like their authenticator app. */
  async function personWithMfa() {
    const email = uniqueEmail('mfa');
    await signUp(fixture.stack.gatewayUrl, { email });
    const { accessToken } = await signIn(fixture.stack.gatewayUrl, email);
    const enrolled = await graphql<{ enrollMfa: { secret: string; otpauthUri: string } }>(fixture.stack.gatewayUrl, ENROLL, {
      token: accessToken,
    });
    const { secret, otpauthUri } = enrolled.body.data!.enrollMfa;
    expect(otpauthUri).toMatch(new RegExp(`^otpauth://totp/Tenantry%3A.*\\?secret=${secret}&issuer=Tenantry`));
    const seed = base32Decode(secret);
    const confirmed = await graphql<{ confirmMfa: string[] }>(fixture.stack.gatewayUrl, CONFIRM, {
      token: accessToken,
      variables: { code: totp(seed, now()) },
    });
    expect(errorCodes(confirmed)).toEqual([]);
    return { email, seed, accessToken, recoveryCodes: confirmed.body.data!.confirmMfa };
  }

  it('once on, sign-in asks for a code, refuses a wrong one, and accepts the app code once', async () => {
    const { email, seed, recoveryCodes } = await personWithMfa();
    expect(recoveryCodes).toHaveLength(10);

    const noCode = await attempt(email, PASSWORD);
    expect([errorCodes(noCode), reasons(noCode)]).toEqual([['UNAUTHENTICATED'], ['MFA_REQUIRED']]);
    const wrong = await attempt(email, PASSWORD, '000000');
    expect(reasons(wrong)).toEqual(['MFA_INVALID']);

    // The confirmation used this step's code; the next step's is still within the drift window.
    const next = totp(seed, now() + 30);
    expect(errorCodes(await attempt(email, PASSWORD, next))).toEqual([]);
    const replay = await attempt(email, PASSWORD, next);
    expect(reasons(replay)).toEqual(['MFA_INVALID']);
  });

  it('a wrong password is refused before the second factor is mentioned', async () => {
    const { email } = await personWithMfa();
    const res = await attempt(email, 'not-the-password-42');
    expect([errorCodes(res), reasons(res)]).toEqual([['UNAUTHENTICATED'], [undefined]]);
  });

  it('a recovery code signs in once', async () => {
    const { email, recoveryCodes } = await personWithMfa();
    expect(errorCodes(await attempt(email, PASSWORD, recoveryCodes[0]))).toEqual([]);
    expect(reasons(await attempt(email, PASSWORD, recoveryCodes[0]))).toEqual(['MFA_INVALID']);
    expect(errorCodes(await attempt(email, PASSWORD, recoveryCodes[1]!.toUpperCase()))).toEqual([]);
  });

  it('turning it off needs a code; afterwards the password alone signs in', async () => {
    const { email, accessToken, recoveryCodes } = await personWithMfa();
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, DISABLE, { token: accessToken, variables: { code: '123456' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      (await graphql(fixture.stack.gatewayUrl, DISABLE, { token: accessToken, variables: { code: recoveryCodes[2] } })).body.data,
    ).toEqual({
      disableMfa: true,
    });
    expect(errorCodes(await attempt(email, PASSWORD))).toEqual([]);
  });

  it('confirming needs a valid code, and enrolling again while on is a CONFLICT', async () => {
    const email = uniqueEmail('confirm');
    await signUp(fixture.stack.gatewayUrl, { email });
    const { accessToken } = await signIn(fixture.stack.gatewayUrl, email);
    await graphql(fixture.stack.gatewayUrl, ENROLL, { token: accessToken });
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, CONFIRM, { token: accessToken, variables: { code: '999999' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    // Still off: the password alone signs in.
    expect(errorCodes(await attempt(email, PASSWORD))).toEqual([]);

    const on = await personWithMfa();
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, ENROLL, { token: on.accessToken }))).toEqual(['CONFLICT']);
  });

  it('stores the seed sealed and the recovery codes hashed, out of every tenant role’s reach', async () => {
    const { seed, recoveryCodes } = await personWithMfa();
    const [row] = await fixture.db.dataSource.query(
      `SELECT secret_sealed AS sealed FROM platform.user_mfa ORDER BY created_at DESC LIMIT 1`,
    );
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toContain(seed.toString('base64url'));
    const stored = JSON.stringify(await fixture.db.dataSource.query(`SELECT * FROM platform.mfa_recovery_codes`));
    for (const code of recoveryCodes) expect(stored).not.toContain(code);
    const grants = await fixture.db.dataSource.query(
      `SELECT table_name FROM information_schema.role_table_grants
        WHERE grantee = 'tenantry_tenant' AND table_name IN ('user_mfa', 'mfa_recovery_codes', 'user_credentials', 'user_tokens')`,
    );
    expect(grants).toEqual([]);
  });
});
