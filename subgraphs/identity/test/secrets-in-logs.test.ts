import { createStaff, errorCodes, graphql, useStack } from '@tenantry/testing';
import { MAILBOX, PASSWORD, refresh, signIn, signUp, uniqueEmail } from './auth-flows';

/** Every identity flow that handles a secret, then a look through every log line of every process. */
describe('identity never logs a secret', () => {
  const fixture = useStack();
  const secrets: string[] = [PASSWORD];

  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'support');
    const staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'support' });
    const mailed = async (to: string, prefix: string) => {
      const res = await graphql<{ devMailbox: { body: string }[] }>(fixture.stack.gatewayUrl, MAILBOX, {
        token: staffToken,
        variables: { to },
      });
      return res.body.data!.devMailbox.map((m) => new RegExp(`${prefix}[A-Za-z0-9_-]{43}`).exec(m.body)?.[0]).find(Boolean)!;
    };

    const email = uniqueEmail('logs');
    await signUp(fixture.stack.gatewayUrl, { email, organisation: { name: 'Logs Co', slug: `logs-${Date.now().toString(36)}` } });
    secrets.push(await mailed(email, 'tver_'));
    const tokens = await signIn(fixture.stack.gatewayUrl, email);
    secrets.push(tokens.accessToken, tokens.refreshToken);
    const rotated = (await refresh(fixture.stack.gatewayUrl, tokens.refreshToken)).body.data!.refreshSession;
    secrets.push(rotated.accessToken, rotated.refreshToken);
    await refresh(fixture.stack.gatewayUrl, tokens.refreshToken); // reuse: refused and logged as a refusal

    const invitee = uniqueEmail('invitee');
    await graphql(fixture.stack.gatewayUrl, 'mutation ($e: String!) { inviteMember(input: { email: $e, role: MEMBER }) { id } }', {
      token: rotated.accessToken,
      variables: { e: invitee },
    });
    const invitation = await mailed(invitee, 'tinv_');
    secrets.push(invitation);
    const accepted = await graphql(
      fixture.stack.gatewayUrl,
      'mutation ($t: String!, $p: String!) { acceptInvitation(input: { token: $t, password: $p, displayName: "I" }) { refreshToken } }',
      { variables: { t: invitation, p: 'another-long-passphrase-5' } },
    );
    expect(errorCodes(accepted)).toEqual([]);
    secrets.push('another-long-passphrase-5');

    const created = await graphql<{ createApiKey: { key: string } }>(
      fixture.stack.gatewayUrl,
      'mutation { createApiKey(input: { name: "Logs", scopes: ["members:read"] }) { key } }',
      { token: rotated.accessToken },
    );
    const key = created.body.data!.createApiKey.key;
    secrets.push(key);
    await graphql(fixture.stack.gatewayUrl, '{ membersConnection { edges { cursor } } }', { headers: { 'x-api-key': key } });

    await graphql(fixture.stack.gatewayUrl, 'mutation ($e: String!) { requestPasswordReset(email: $e) }', { variables: { e: email } });
    const reset = await mailed(email, 'trst_');
    secrets.push(reset);
    await graphql(fixture.stack.gatewayUrl, 'mutation ($t: String!) { resetPassword(token: $t, newPassword: "third-long-passphrase-8") }', {
      variables: { t: reset },
    });
    secrets.push('third-long-passphrase-8');
    await graphql(fixture.stack.gatewayUrl, 'mutation ($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
      variables: { i: { email, password: 'wrong-guess-for-the-log' } },
    });
    secrets.push('wrong-guess-for-the-log');
  });

  it('the flows produced log lines', () => {
    expect(fixture.stack.logs.length).toBeGreaterThan(20);
  });

  it('no log line contains a password, token, mailed code or API key', () => {
    expect(secrets.length).toBeGreaterThan(10);
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 20)).toBe(true);
    const leaks = secrets.filter((secret) => fixture.stack.logs.some((line) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
