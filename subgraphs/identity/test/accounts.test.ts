import { withTenant } from '@tenantry/tenancy';
import { createMember, createStaff, createTenant, errorCodes, graphql, useStack } from '@tenantry/testing';
import { MAILBOX, PASSWORD, signIn, signUp, uniqueEmail } from './auth-flows';

describe('accounts: sign-up and sign-in through the gateway', () => {
  const fixture = useStack();
  let staffToken: string;

  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'support');
    staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'support' });
  });

  const mailbox = async (to: string) =>
    (await graphql<{ devMailbox: { template: string }[] }>(fixture.stack.gatewayUrl, MAILBOX, { token: staffToken, variables: { to } }))
      .body.data!.devMailbox;

  it('signs up with a normalised email, then signs in and reads its own account with the access token', async () => {
    const email = uniqueEmail();
    expect((await signUp(fixture.stack.gatewayUrl, { email: `  ${email} ` })).body).toEqual({ data: { signUp: { accepted: true } } });

    const tokens = await signIn(fixture.stack.gatewayUrl, email.toUpperCase());
    expect(tokens).toEqual(
      expect.objectContaining({
        accessToken: expect.any(String),
        refreshToken: expect.stringMatching(/^trt_/),
        tenantId: null,
        role: null,
      }),
    );
    const me = await graphql(fixture.stack.gatewayUrl, '{ me { email displayName } }', { token: tokens.accessToken });
    expect(me.body.data).toEqual({ me: { email: email.toLowerCase(), displayName: 'Pat Example' } });
    expect(await mailbox(email)).toEqual([expect.objectContaining({ template: 'verify_email' })]);
  });

  it('signs up with an organisation: tenant, owner membership and audit events commit together', async () => {
    const email = uniqueEmail('founder');
    const slug = `org-${Date.now().toString(36)}`;
    const res = await signUp(fixture.stack.gatewayUrl, { email, organisation: { name: 'Founders Ltd', slug } });
    expect(errorCodes(res)).toEqual([]);

    const tokens = await signIn(fixture.stack.gatewayUrl, email);
    expect(tokens.role).toBe('OWNER');
    const current = await graphql(fixture.stack.gatewayUrl, '{ currentTenant { slug name } members { role user { email } } }', {
      token: tokens.accessToken,
    });
    expect(current.body.data).toEqual({
      currentTenant: { slug, name: 'Founders Ltd' },
      members: [{ role: 'OWNER', user: { email: email.toLowerCase() } }],
    });
    const audit = await withTenant(fixture.db.dataSource, tokens.tenantId!, (m) =>
      m.query(`SELECT action, actor_id AS "actorId" FROM audit_events ORDER BY seq`),
    );
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['tenant.created', 'member.added']);
  });

  it('a taken organisation slug creates neither the tenant nor the account', async () => {
    const taken = await createTenant(fixture.db.dataSource);
    const email = uniqueEmail('late');
    const res = await signUp(fixture.stack.gatewayUrl, { email, organisation: { name: 'Late', slug: taken.slug } });
    expect(errorCodes(res)).toEqual(['CONFLICT']);
    const users = await fixture.db.dataSource.query(`SELECT 1 FROM platform.users WHERE email = $1`, [email.toLowerCase()]);
    expect(users).toHaveLength(0);
  });

  it('answers a sign-up for a registered email exactly like a new one, and leaves that account alone', async () => {
    const email = uniqueEmail('existing');
    const first = await signUp(fixture.stack.gatewayUrl, { email });
    const again = await signUp(fixture.stack.gatewayUrl, { email, password: 'a-different-passphrase-9', displayName: 'Mallory' });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);

    await expect(signIn(fixture.stack.gatewayUrl, email)).resolves.toEqual(expect.objectContaining({ accessToken: expect.any(String) }));
    await expect(signIn(fixture.stack.gatewayUrl, email, 'a-different-passphrase-9')).rejects.toThrow(/UNAUTHENTICATED/);
    expect((await mailbox(email)).map((m) => m.template)).toEqual(['account_exists', 'verify_email']);
  });

  it.each([
    ['too short', 'short1', 'TOO_SHORT'],
    ['on the breached-password list, in any case', 'PassWord123', 'COMMON'],
    ['containing the email name', 'JaneDoe-is-great', 'CONTAINS_EMAIL'],
  ])('refuses a password %s as BAD_USER_INPUT', async (_label, password, reason) => {
    const res = await signUp(fixture.stack.gatewayUrl, { email: 'janedoe@example.test', password });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'password', reason }) }),
    ]);
  });

  it('refuses an invalid email as BAD_USER_INPUT naming the field', async () => {
    const res = await signUp(fixture.stack.gatewayUrl, { email: 'not-an-email' });
    expect(res.body.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'email' }));
  });

  it('a wrong password and an unknown email get the same UNAUTHENTICATED answer', async () => {
    const email = uniqueEmail();
    await signUp(fixture.stack.gatewayUrl, { email });
    const wrong = await graphql(fixture.stack.gatewayUrl, 'mutation ($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
      variables: { i: { email, password: 'not-the-password-77' } },
    });
    const unknown = await graphql(fixture.stack.gatewayUrl, 'mutation ($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
      variables: { i: { email: uniqueEmail('nobody'), password: 'not-the-password-77' } },
    });
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('stores only an argon2id hash with the configured parameters, which no tenant role can read', async () => {
    const email = uniqueEmail('hashed');
    await signUp(fixture.stack.gatewayUrl, { email, organisation: { name: 'Hash Co', slug: `hash-${Date.now().toString(36)}` } });
    const [row] = await fixture.db.dataSource.query(
      `SELECT c.password_hash AS hash FROM platform.user_credentials c JOIN platform.users u ON u.id = c.user_id WHERE u.email = $1`,
      [email.toLowerCase()],
    );
    expect(row.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.hash).not.toContain(PASSWORD);

    const { tenantId } = await signIn(fixture.stack.gatewayUrl, email);
    for (const table of ['user_credentials', 'sessions', 'refresh_tokens', 'mail_outbox']) {
      await expect(withTenant(fixture.db.dataSource, tenantId!, (m) => m.query(`SELECT * FROM platform.${table}`))).rejects.toThrow(
        /permission denied/,
      );
    }
  });

  it('signs in to the tenant asked for, and refuses one the person does not belong to', async () => {
    const email = uniqueEmail('two');
    await signUp(fixture.stack.gatewayUrl, { email });
    const a = await createTenant(fixture.db.dataSource);
    const b = await createTenant(fixture.db.dataSource);
    const stranger = await createTenant(fixture.db.dataSource);
    await createMember(fixture.db.dataSource, a.id, 'member', email);
    await createMember(fixture.db.dataSource, b.id, 'admin', email);

    expect(await signIn(fixture.stack.gatewayUrl, email)).toEqual(expect.objectContaining({ tenantId: a.id, role: 'MEMBER' }));
    expect(await signIn(fixture.stack.gatewayUrl, email, PASSWORD, b.id)).toEqual(
      expect.objectContaining({ tenantId: b.id, role: 'ADMIN' }),
    );
    const refused = await graphql(fixture.stack.gatewayUrl, 'mutation ($i: SignInInput!) { signIn(input: $i) { accessToken } }', {
      variables: { i: { email, password: PASSWORD, tenantId: stranger.id } },
    });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
  });

  it('the development mailbox is for platform staff only', async () => {
    const tenant = await createTenant(fixture.db.dataSource);
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const token = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const res = await graphql(fixture.stack.gatewayUrl, MAILBOX, { token, variables: { to: owner.email } });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, MAILBOX, { variables: { to: owner.email } }))).toEqual(['UNAUTHENTICATED']);
  });
});
