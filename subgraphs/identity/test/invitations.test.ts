import type { TenantRole } from '@tenantry/auth';
import { withTenant } from '@tenantry/tenancy';
import { createMember, createStaff, createTenant, errorCodes, graphql, type TestTenant, type TestUser, useStack } from '@tenantry/testing';
import { MAILBOX, PASSWORD, reasons, refresh, signIn, signUp, uniqueEmail, type Tokens } from './auth-flows';

const INVITE = `mutation ($email: String!, $role: MemberRole!) {
  inviteMember(input: { email: $email, role: $role }) { id email role status expiresAt }
}`;
const ACCEPT = `mutation ($token: String!, $password: String, $displayName: String) {
  acceptInvitation(input: { token: $token, password: $password, displayName: $displayName }) { accessToken refreshToken tenantId role }
}`;
const RESEND = 'mutation ($id: ID!) { resendInvitation(id: $id) { id expiresAt } }';
const REVOKE = 'mutation ($id: ID!) { revokeInvitation(id: $id) }';

describe('invitations through the gateway', () => {
  const fixture = useStack();
  let staffToken: string;

  beforeAll(async () => {
    const staff = await createStaff(fixture.db.dataSource, 'support');
    staffToken = await fixture.stack.token({ userId: staff.id, platformRole: 'support' });
  });

  const tokenFor = (tenant: TestTenant, user: TestUser, role: TenantRole) =>
    fixture.stack.token({ userId: user.id, tenantId: tenant.id, role });

  /** The newest invitation code mailed to `email`, read from the dev mailbox. */
  async function mailedCode(email: string): Promise<string> {
    const res = await graphql<{ devMailbox: { template: string; body: string }[] }>(fixture.stack.gatewayUrl, MAILBOX, {
      token: staffToken,
      variables: { to: email },
    });
    const mail = res.body.data!.devMailbox.find((m) => m.template === 'invitation');
    const code = /tinv_[A-Za-z0-9_-]{43}/.exec(mail?.body ?? '')?.[0];
    if (!code) throw new Error('no invitation mailed');
    return code;
  }

  async function ownedTenant(plan = 'pro') {
    const tenant = await createTenant(fixture.db.dataSource, { plan });
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    return { tenant, owner, ownerToken: await tokenFor(tenant, owner, 'owner') };
  }

  const invite = async (token: string, email: string, role = 'MEMBER') =>
    graphql<{ inviteMember: { id: string; status: string } }>(fixture.stack.gatewayUrl, INVITE, { token, variables: { email, role } });

  it('a new person accepts by the mailed code, gets an account, a membership and a session in the tenant', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    const email = uniqueEmail('invitee');
    const invited = await invite(ownerToken, email, 'MANAGER');
    expect(invited.body.data!.inviteMember).toEqual(expect.objectContaining({ email: email.toLowerCase(), status: 'PENDING' }));

    const code = await mailedCode(email);
    const accepted = await graphql<{ acceptInvitation: Tokens }>(fixture.stack.gatewayUrl, ACCEPT, {
      variables: { token: code, password: PASSWORD, displayName: 'New Person' },
    });
    expect(errorCodes(accepted)).toEqual([]);
    expect(accepted.body.data!.acceptInvitation).toEqual(expect.objectContaining({ tenantId: tenant.id, role: 'MANAGER' }));

    const me = await graphql(fixture.stack.gatewayUrl, '{ me { email } currentTenant { id } }', {
      token: accepted.body.data!.acceptInvitation.accessToken,
    });
    expect(me.body.data).toEqual({ me: { email: email.toLowerCase() }, currentTenant: { id: tenant.id } });
    // The new account signs in with the password it chose.
    expect(await signIn(fixture.stack.gatewayUrl, email)).toEqual(expect.objectContaining({ tenantId: tenant.id }));

    const audit = await withTenant(fixture.db.dataSource, tenant.id, (m) => m.query(`SELECT action FROM audit_events ORDER BY seq`));
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['invitation.created', 'invitation.accepted']);
  });

  it('the code is single-use', async () => {
    const { ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    await invite(ownerToken, email);
    const code = await mailedCode(email);
    const variables = { token: code, password: PASSWORD, displayName: 'Once' };
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables }))).toEqual([]);
    const again = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables });
    expect(errorCodes(again)).toEqual(['NOT_FOUND']);
  });

  it('an existing account accepts with its password, or signed in as itself, but not with a wrong password', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    const email = uniqueEmail('existing');
    await signUp(fixture.stack.gatewayUrl, { email });
    await invite(ownerToken, email, 'VIEWER');
    const code = await mailedCode(email);

    const wrong = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { token: code, password: 'not-their-password-1' } });
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    const anonymous = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { token: code } });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);

    const session = await signIn(fixture.stack.gatewayUrl, email);
    const accepted = await graphql<{ acceptInvitation: Tokens }>(fixture.stack.gatewayUrl, ACCEPT, {
      token: session.accessToken,
      variables: { token: code },
    });
    expect(accepted.body.data?.acceptInvitation).toEqual(expect.objectContaining({ tenantId: tenant.id, role: 'VIEWER' }));
  });

  it('a new account must choose an acceptable password', async () => {
    const { ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    await invite(ownerToken, email);
    const code = await mailedCode(email);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { token: code } }))).toEqual(['BAD_USER_INPUT']);
    const weak = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { token: code, password: 'password123', displayName: 'W' } });
    expect(weak.body.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'COMMON' }));
  });

  it('an expired invitation is refused and cannot be accepted later', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    const { id } = (await invite(ownerToken, email)).body.data!.inviteMember;
    const code = await mailedCode(email);
    await withTenant(fixture.db.dataSource, tenant.id, (m) =>
      m.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]),
    );
    const variables = { token: code, password: PASSWORD, displayName: 'Late' };
    const expired = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables });
    expect(errorCodes(expired)).toEqual(['CONFLICT']);
    expect(reasons(expired)).toEqual(['INVITATION_EXPIRED']);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables }))).toEqual(['NOT_FOUND']);
  });

  it('a revoked invitation cannot be accepted', async () => {
    const { ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    const { id } = (await invite(ownerToken, email)).body.data!.inviteMember;
    const code = await mailedCode(email);
    expect((await graphql(fixture.stack.gatewayUrl, REVOKE, { token: ownerToken, variables: { id } })).body.data).toEqual({
      revokeInvitation: true,
    });
    const res = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { token: code, password: PASSWORD, displayName: 'X' } });
    expect(errorCodes(res)).toEqual(['NOT_FOUND']);
  });

  it('resending mails a new code and the old one stops working', async () => {
    const { ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    const { id } = (await invite(ownerToken, email)).body.data!.inviteMember;
    const first = await mailedCode(email);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, RESEND, { token: ownerToken, variables: { id } }))).toEqual([]);
    const second = await mailedCode(email);
    expect(second).not.toBe(first);
    const variables = { password: PASSWORD, displayName: 'Resent' };
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { ...variables, token: first } }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { ...variables, token: second } }))).toEqual([]);
  });

  it('nobody invites with a role above their own, and members cannot invite at all', async () => {
    const { tenant } = await ownedTenant();
    const manager = await createMember(fixture.db.dataSource, tenant.id, 'manager');
    const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
    const managerToken = await tokenFor(tenant, manager, 'manager');
    expect(errorCodes(await invite(managerToken, uniqueEmail(), 'ADMIN'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await invite(managerToken, uniqueEmail(), 'MANAGER'))).toEqual([]);
    expect(errorCodes(await invite(await tokenFor(tenant, member, 'member'), uniqueEmail(), 'VIEWER'))).toEqual(['FORBIDDEN']);
  });

  it('a manager cannot revoke or resend an admin invitation', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    const manager = await createMember(fixture.db.dataSource, tenant.id, 'manager');
    const { id } = (await invite(ownerToken, uniqueEmail(), 'ADMIN')).body.data!.inviteMember;
    const managerToken = await tokenFor(tenant, manager, 'manager');
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, REVOKE, { token: managerToken, variables: { id } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, RESEND, { token: managerToken, variables: { id } }))).toEqual(['FORBIDDEN']);
  });

  it('inviting a member or an already invited email is a CONFLICT', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    const member = await createMember(fixture.db.dataSource, tenant.id, 'member');
    expect(reasons(await invite(ownerToken, member.email))).toEqual(['ALREADY_MEMBER']);
    const email = uniqueEmail();
    await invite(ownerToken, email);
    expect(reasons(await invite(ownerToken, email))).toEqual(['ALREADY_INVITED']);
  });

  it("the plan's users quota is checked at invite: members and pending invitations take seats", async () => {
    // free: 3 users. The owner and one member take two seats; one invitation takes the third.
    const { tenant, ownerToken } = await ownedTenant('free');
    await createMember(fixture.db.dataSource, tenant.id, 'member');
    expect(errorCodes(await invite(ownerToken, uniqueEmail()))).toEqual([]);
    const refused = await invite(ownerToken, uniqueEmail());
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUOTA_EXCEEDED', resource: 'users', limit: 3, used: 3 }) }),
    ]);
  });

  it('two invitations racing for the last seat: exactly one gets it', async () => {
    const { tenant, ownerToken } = await ownedTenant('free');
    await createMember(fixture.db.dataSource, tenant.id, 'member');
    const results = await Promise.all([invite(ownerToken, uniqueEmail('race')), invite(ownerToken, uniqueEmail('race'))]);
    expect(results.flatMap(errorCodes)).toEqual(['QUOTA_EXCEEDED']);
  });

  it("the plan's users quota is checked again at accept", async () => {
    const { tenant, ownerToken } = await ownedTenant('free');
    const email = uniqueEmail();
    await invite(ownerToken, email);
    const code = await mailedCode(email);
    // Seats filled behind the invitation's back (e.g. added by staff) before it is accepted.
    await createMember(fixture.db.dataSource, tenant.id, 'member');
    await createMember(fixture.db.dataSource, tenant.id, 'member');
    const res = await graphql(fixture.stack.gatewayUrl, ACCEPT, { variables: { token: code, password: PASSWORD, displayName: 'Full' } });
    expect(res.body.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'QUOTA_EXCEEDED', limit: 3, used: 3 }));
    const users = await fixture.db.dataSource.query(`SELECT 1 FROM platform.users WHERE email = $1`, [email.toLowerCase()]);
    expect(users).toHaveLength(0);
  });

  it('no tenant role can read invitation token hashes, even its own', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    await invite(ownerToken, uniqueEmail());
    await expect(
      withTenant(fixture.db.dataSource, tenant.id, (m) => m.query(`SELECT token_hash FROM platform.invitation_tokens`)),
    ).rejects.toThrow(/permission denied/);
    const visible = await withTenant(fixture.db.dataSource, tenant.id, (m) =>
      m.query(`SELECT invitation_id FROM platform.invitation_tokens`),
    );
    expect(visible).toHaveLength(1);
  });

  it('lists pending invitations to managers and above', async () => {
    const { tenant, ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    await invite(ownerToken, email);
    const list = await graphql(fixture.stack.gatewayUrl, '{ invitations { email status } }', { token: ownerToken });
    expect(list.body.data).toEqual({ invitations: [{ email: email.toLowerCase(), status: 'PENDING' }] });
    const viewer = await createMember(fixture.db.dataSource, tenant.id, 'viewer');
    const denied = await graphql(fixture.stack.gatewayUrl, '{ invitations { email } }', {
      token: await tokenFor(tenant, viewer, 'viewer'),
    });
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
  });

  it('a session from an accepted invitation refreshes like any other', async () => {
    const { ownerToken } = await ownedTenant();
    const email = uniqueEmail();
    await invite(ownerToken, email);
    const code = await mailedCode(email);
    const accepted = await graphql<{ acceptInvitation: Tokens }>(fixture.stack.gatewayUrl, ACCEPT, {
      variables: { token: code, password: PASSWORD, displayName: 'R' },
    });
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, accepted.body.data!.acceptInvitation.refreshToken))).toEqual([]);
  });
});
