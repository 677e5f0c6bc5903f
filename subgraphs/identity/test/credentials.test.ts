import { createTestDatabase, createStaff, errorCodes, graphql, startStack, type Stack, type TestDatabase } from '@tenantry/testing';
import { MAILBOX, PASSWORD, reasons, refresh, signIn, signUp, uniqueEmail } from './auth-flows';

const VERIFY = 'mutation ($token: String!) { verifyEmail(token: $token) }';
const REQUEST_RESET = 'mutation ($email: String!) { requestPasswordReset(email: $email) }';
const RESET = 'mutation ($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }';
const NEW_PASSWORD = 'saffron-lantern-harbour-7';

describe('email verification and password reset through the gateway', () => {
  let db: TestDatabase;
  let stack: Stack;
  let staffToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url);
    const staff = await createStaff(db.dataSource, 'support');
    staffToken = await stack.token({ userId: staff.id, platformRole: 'support' });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  /** The newest code with `prefix` mailed to `email`, or undefined. */
  async function mailedCode(email: string, prefix: 'tver_' | 'trst_'): Promise<string | undefined> {
    const res = await graphql<{ devMailbox: { body: string }[] }>(stack.gatewayUrl, MAILBOX, {
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
    (await graphql<{ me: { emailVerified: boolean } }>(stack.gatewayUrl, '{ me { emailVerified } }', { token })).body.data!.me
      .emailVerified;

  it('sign-up mails a code that verifies the address once', async () => {
    const email = uniqueEmail('verify');
    await signUp(stack.gatewayUrl, { email });
    const { accessToken } = await signIn(stack.gatewayUrl, email);
    expect(await emailVerified(accessToken)).toBe(false);

    const code = (await mailedCode(email, 'tver_'))!;
    expect((await graphql(stack.gatewayUrl, VERIFY, { variables: { token: code } })).body.data).toEqual({ verifyEmail: true });
    expect(await emailVerified(accessToken)).toBe(true);

    const reused = await graphql(stack.gatewayUrl, VERIFY, { variables: { token: code } });
    expect([errorCodes(reused), reasons(reused)]).toEqual([['BAD_USER_INPUT'], ['INVALID_CODE']]);
  });

  it('an expired verification code is refused, and a new one can be asked for', async () => {
    const email = uniqueEmail('late');
    await signUp(stack.gatewayUrl, { email });
    const { accessToken } = await signIn(stack.gatewayUrl, email);
    const stale = (await mailedCode(email, 'tver_'))!;
    await db.dataSource.query(`UPDATE platform.user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'verify_email'`);
    const res = await graphql(stack.gatewayUrl, VERIFY, { variables: { token: stale } });
    expect(reasons(res)).toEqual(['CODE_EXPIRED']);

    expect(errorCodes(await graphql(stack.gatewayUrl, 'mutation { requestEmailVerification }', { token: accessToken }))).toEqual([]);
    const fresh = (await mailedCode(email, 'tver_'))!;
    expect(fresh).not.toBe(stale);
    expect(errorCodes(await graphql(stack.gatewayUrl, VERIFY, { variables: { token: fresh } }))).toEqual([]);
    expect(await emailVerified(accessToken)).toBe(true);
  });

  it('a reset request answers the same for an unknown address and mails nothing', async () => {
    const known = uniqueEmail('known');
    await signUp(stack.gatewayUrl, { email: known });
    const unknown = uniqueEmail('unknown');
    const a = await graphql(stack.gatewayUrl, REQUEST_RESET, { variables: { email: known } });
    const b = await graphql(stack.gatewayUrl, REQUEST_RESET, { variables: { email: unknown } });
    expect(b.body).toEqual(a.body);
    expect(await mailedCode(known, 'trst_')).toBeDefined();
    expect(await mailedCode(unknown, 'trst_')).toBeUndefined();
  });

  it('a reset code sets a new password once and ends every session of the account', async () => {
    const email = uniqueEmail('reset');
    await signUp(stack.gatewayUrl, { email });
    const before = await signIn(stack.gatewayUrl, email);
    await graphql(stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const code = (await mailedCode(email, 'trst_'))!;

    expect((await graphql(stack.gatewayUrl, RESET, { variables: { token: code, password: NEW_PASSWORD } })).body.data).toEqual({
      resetPassword: true,
    });
    await expect(signIn(stack.gatewayUrl, email, PASSWORD)).rejects.toThrow(/UNAUTHENTICATED/);
    await expect(signIn(stack.gatewayUrl, email, NEW_PASSWORD)).resolves.toEqual(
      expect.objectContaining({ accessToken: expect.any(String) }),
    );
    expect(errorCodes(await refresh(stack.gatewayUrl, before.refreshToken))).toEqual(['UNAUTHENTICATED']);

    const again = await graphql(stack.gatewayUrl, RESET, { variables: { token: code, password: 'yet-another-passphrase-3' } });
    expect(reasons(again)).toEqual(['INVALID_CODE']);
  });

  it('a weak new password is refused and the code stays usable', async () => {
    const email = uniqueEmail('weak');
    await signUp(stack.gatewayUrl, { email });
    await graphql(stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const code = (await mailedCode(email, 'trst_'))!;
    const weak = await graphql(stack.gatewayUrl, RESET, { variables: { token: code, password: 'QwertyUiop123' } });
    expect(weak.body.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'COMMON' }));
    expect(errorCodes(await graphql(stack.gatewayUrl, RESET, { variables: { token: code, password: NEW_PASSWORD } }))).toEqual([]);
  });

  it('an expired reset code is refused; a newer request voids the older code', async () => {
    const email = uniqueEmail('twice');
    await signUp(stack.gatewayUrl, { email });
    await graphql(stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const first = (await mailedCode(email, 'trst_'))!;
    await graphql(stack.gatewayUrl, REQUEST_RESET, { variables: { email } });
    const second = (await mailedCode(email, 'trst_'))!;
    expect(reasons(await graphql(stack.gatewayUrl, RESET, { variables: { token: first, password: NEW_PASSWORD } }))).toEqual([
      'INVALID_CODE',
    ]);

    await db.dataSource.query(`UPDATE platform.user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'reset_password'`);
    expect(reasons(await graphql(stack.gatewayUrl, RESET, { variables: { token: second, password: NEW_PASSWORD } }))).toEqual([
      'CODE_EXPIRED',
    ]);
    await expect(signIn(stack.gatewayUrl, email, PASSWORD)).resolves.toBeDefined();
  });

  it('a verification code is not a reset code', async () => {
    const email = uniqueEmail('mixed');
    await signUp(stack.gatewayUrl, { email });
    const verification = (await mailedCode(email, 'tver_'))!;
    expect(reasons(await graphql(stack.gatewayUrl, RESET, { variables: { token: verification, password: NEW_PASSWORD } }))).toEqual([
      'INVALID_CODE',
    ]);
  });
});
