import { createStaff, errorCodes, graphql, useStack } from '@tenantry/testing';
import { MAILBOX, PASSWORD, reasons, refresh, signIn, signUp, uniqueEmail } from './auth-flows';

const VERIFY = 'mutation ($token: String!) { verifyEmail(token: $token) }';
const REQUEST_RESET = 'mutation ($email: String!) { requestPasswordReset(email: $email) }';
const RESET = 'mutation ($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }';
const NEW_PASSWORD = 'saffron-lantern-harbour-7';

describe('email verification and password reset through the gateway', () => {
  const fixture = useStack();
  let staffToken: string;

  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'support');
    staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'support' });
  });

  /** The newest code with `prefix` mailed to `email`, or undefined. */
  async function mailedCode(email: string, prefix: 'tver_' | 'trst_'): Promise<string | undefined> {
    const res = await graphql<{ devMailbox: { body: string }[] }>(fixture.stack.gatewayUrl, MAILBOX, {
      token: staffToken,
      variables: { to: email },
    });
    for (const mail of res.body.data!.devMailbox) {
      const code = new RegExp(`${prefix}[A-Za-z0-9_-]{43}`).exec(mail.body)?.[0];
      if (code) return code;
    }
    return undefined;
  }

  const emailVerified = async (token: string) =>
    (await graphql<{ me: { emailVerified: boolean } }>(fixture.stack.gatewayUrl, '{ me { emailVerified } }', { token })).body.data!.me
      .emailVerified;

  it('sign-up mails a code that verifies the address once', async () => {
    const email = uniqueEmail('verify');
    await signUp(fixture.stack.gatewayUrl, { email });
    const { accessToken } = await signIn(fixture.stack.gatewayUrl, email);
    expect(await emailVerified(accessToken)).toBe(false);

    const code = (await mailedCode(email, 'tver_'))!;
    expect((await graphql(fixture.stack.gatewayUrl, VERIFY, { variables: { token: code } })).body.data).toEqual({ verifyEmail: true });
    expect(await emailVerified(accessToken)).toBe(true);

    const reused = await graphql(fixture.stack.gatewayUrl, VERIFY, { variables: { token: code } });
    expect([errorCodes(reused), reasons(reused)]).toEqual([['BAD_USER_INPUT'], ['INVALID_CODE']]);
  });

  it('an expired verification code is refused, and a new one can be asked for', async () => {
    const email = uniqueEmail('late');
    await signUp(fixture.stack.gatewayUrl, { email });
    const { accessToken } = await signIn(fixture.stack.gatewayUrl, email);
    const stale = (await mailedCode(email, 'tver_'))!;
    await fixture.db.dataSource.query(
      `UPDATE platform.user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'verify_email'`,
    );
    const res = await graphql(fixture.stack.gatewayUrl, VERIFY, { variables: { token: stale } });
    expect(reasons(res)).toEqual(['CODE_EXPIRED']);

    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, 'mutation { requestEmailVerification }', { token: accessToken }))).toEqual(
      [],
    );
    const fresh = (await mailedCode(email, 'tver_'))!;
    expect(fresh).not.toBe(stale);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, VERIFY, { variables: { token: fresh } }))).toEqual([]);
    expect(await emailVerified(accessToken)).toBe(true);
  });

  it('a reset request answers the same for an unknown address and mails nothing', async () => {
    const known = uniqueEmail('known');
    await signUp(fixture.stack.gatewayUrl, { email: known });
    const unknown = uniqueEmail('unknown');
    const a = await graphql(fixture.stack.gatewayUrl, REQUEST_RESET, { variables: { email: known } });
    const b = await graphql(fixture.stack.gatewayUrl, REQUEST_RESET, { variables: { email: unknown } });
    expect(b.body).toEqual(a.body);
    expect(await mailedCode(known, 'trst_')).toBeDefined();
    expect(await mailedCode(unknown, 'trst_')).toBeUndefined();
  });

  it('a reset code sets a new password once and ends every session of the account', async () => {
    const email = uniqueEmail('reset');
    await signUp(fixture.stack.gatewayUrl, { email });
    const before = await signIn(fixture.stack.gatewayUrl, email);
    await graphql(fixture.stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const code = (await mailedCode(email, 'trst_'))!;

    expect((await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: code, password: NEW_PASSWORD } })).body.data).toEqual({
      resetPassword: true,
    });
    await expect(signIn(fixture.stack.gatewayUrl, email, PASSWORD)).rejects.toThrow(/UNAUTHENTICATED/);
    await expect(signIn(fixture.stack.gatewayUrl, email, NEW_PASSWORD)).resolves.toEqual(
      expect.objectContaining({ accessToken: expect.any(String) }),
    );
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, before.refreshToken))).toEqual(['UNAUTHENTICATED']);

    const again = await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: code, password: 'yet-another-passphrase-3' } });
    expect(reasons(again)).toEqual(['INVALID_CODE']);
  });

  it('a weak new password is refused and the code stays usable', async () => {
    const email = uniqueEmail('weak');
    await signUp(fixture.stack.gatewayUrl, { email });
    await graphql(fixture.stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const code = (await mailedCode(email, 'trst_'))!;
    const weak = await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: code, password: 'QwertyUiop123' } });
    expect(weak.body.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'COMMON' }));
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: code, password: NEW_PASSWORD } }))).toEqual([]);
  });

  it('an expired reset code is refused; a newer request voids the older code', async () => {
    const email = uniqueEmail('twice');
    await signUp(fixture.stack.gatewayUrl, { email });
    await graphql(fixture.stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const first = (await mailedCode(email, 'trst_'))!;
    await graphql(fixture.stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const second = (await mailedCode(email, 'trst_'))!;
    expect(reasons(await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: first, password: NEW_PASSWORD } }))).toEqual([
      'INVALID_CODE',
    ]);

    await fixture.db.dataSource.query(
      `UPDATE platform.user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'reset_password'`,
    );
    expect(reasons(await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: second, password: NEW_PASSWORD } }))).toEqual([
      'CODE_EXPIRED',
    ]);
    await expect(signIn(fixture.stack.gatewayUrl, email, PASSWORD)).resolves.toBeDefined();
  });

  it('a verification code is not a reset code', async () => {
    const email = uniqueEmail('mixed');
    await signUp(fixture.stack.gatewayUrl, { email });
    const verification = (await mailedCode(email, 'tver_'))!;
    expect(reasons(await graphql(fixture.stack.gatewayUrl, RESET, { variables: { token: verification, password: NEW_PASSWORD } }))).toEqual(
      ['INVALID_CODE'],
    );
  });
});
