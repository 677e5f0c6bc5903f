import { createMember, createTenant, errorCodes, graphql, useStack } from '@tenantry/testing';
import { PASSWORD, SIGN_OUT, SWITCH, reasons, refresh, signIn, signUp, uniqueEmail, type Tokens } from './auth-flows';

describe('sessions: refresh-token rotation, sign-out, tenant switch', () => {
  const fixture = useStack();

  /** A signed-up person who belongs to a fresh tenant with `role`, signed in to it. */
  async function memberWithSession(role: 'owner' | 'admin' | 'member' = 'member') {
    const email = uniqueEmail();
    await signUp(fixture.stack.gatewayUrl, { email });
    const tenant = await createTenant(fixture.db.dataSource);
    const member = await createMember(fixture.db.dataSource, tenant.id, role, email);
    const tokens = await signIn(fixture.stack.gatewayUrl, email);
    return { email, tenant, member, tokens };
  }

  const currentTenant = async (token: string) =>
    (await graphql<{ currentTenant: { id: string } }>(fixture.stack.gatewayUrl, '{ currentTenant { id } }', { token })).body.data
      ?.currentTenant.id;

  it('a refresh returns a new access token and a new refresh token for the same session and tenant', async () => {
    const { tenant, tokens } = await memberWithSession();
    const res = await refresh(fixture.stack.gatewayUrl, tokens.refreshToken);
    expect(errorCodes(res)).toEqual([]);
    const next = res.body.data!.refreshSession;
    expect(next).toEqual(expect.objectContaining({ sessionId: tokens.sessionId, tenantId: tenant.id, role: 'MEMBER' }));
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(await currentTenant(next.accessToken)).toBe(tenant.id);
  });

  it("carries the tenant's plan in the access token, for the gateway's rate limit", async () => {
    const { tokens } = await memberWithSession();
    const [, payload] = tokens.accessToken.split('.');

    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ plan: 'free', role: 'member' });
  });

  it('reusing a rotated refresh token is refused and revokes the whole session', async () => {
    const { tokens } = await memberWithSession();
    const rotated = (await refresh(fixture.stack.gatewayUrl, tokens.refreshToken)).body.data!.refreshSession;

    const replay = await refresh(fixture.stack.gatewayUrl, tokens.refreshToken);
    expect(errorCodes(replay)).toEqual(['UNAUTHENTICATED']);
    expect(reasons(replay)).toEqual(['REFRESH_TOKEN_REUSED']);

    // The legitimate holder's newer token dies with the family.
    const afterReuse = await refresh(fixture.stack.gatewayUrl, rotated.refreshToken);
    expect(errorCodes(afterReuse)).toEqual(['UNAUTHENTICATED']);
    const [session] = await fixture.db.dataSource.query(`SELECT revoked_reason AS reason FROM platform.sessions WHERE id = $1`, [
      tokens.sessionId,
    ]);
    expect(session.reason).toBe('reuse_detected');
  });

  it('an expired session refuses its refresh token', async () => {
    const { tokens } = await memberWithSession();
    await fixture.db.dataSource.query(`UPDATE platform.sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      tokens.sessionId,
    ]);
    const res = await refresh(fixture.stack.gatewayUrl, tokens.refreshToken);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    expect(reasons(res)).toEqual(['INVALID_REFRESH_TOKEN']);
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['a well-formed token nobody issued', `trt_${'A'.repeat(43)}`],
  ])('refuses %s as a refresh token with UNAUTHENTICATED', async (_label, token) => {
    const res = await refresh(fixture.stack.gatewayUrl, token);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('sign-out revokes the session: its refresh token stops working', async () => {
    const { tokens } = await memberWithSession();
    const out = await graphql(fixture.stack.gatewayUrl, SIGN_OUT, { variables: { token: tokens.refreshToken } });
    expect(out.body.data).toEqual({ signOut: true });
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, tokens.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('lists only the live sessions of the signed-in person, and revokes one of them', async () => {
    const { email, tokens: first } = await memberWithSession();
    const second = await signIn(fixture.stack.gatewayUrl, email);
    const other = await memberWithSession();

    const listed = await graphql<{ sessions: { id: string }[] }>(
      fixture.stack.gatewayUrl,
      '{ sessions { id tenantId createdAt expiresAt } }',
      {
        token: second.accessToken,
      },
    );
    expect(listed.body.data!.sessions.map((s) => s.id).sort()).toEqual([first.sessionId, second.sessionId].sort());

    const revoke = 'mutation ($id: ID!) { revokeSession(id: $id) }';
    expect(
      (await graphql(fixture.stack.gatewayUrl, revoke, { token: second.accessToken, variables: { id: first.sessionId } })).body.data,
    ).toEqual({
      revokeSession: true,
    });
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, first.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, second.refreshToken))).toEqual([]);

    // Someone else's session is as unknown as a missing one.
    const foreign = await graphql(fixture.stack.gatewayUrl, revoke, {
      token: second.accessToken,
      variables: { id: other.tokens.sessionId },
    });
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, other.tokens.refreshToken))).toEqual([]);
  });

  it('sessions need a signed-in person', async () => {
    expect(errorCodes(await graphql(fixture.stack.gatewayUrl, '{ sessions { id } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('switches the session to another tenant the person belongs to, with the role held there', async () => {
    const { email, tenant: first, tokens } = await memberWithSession('member');
    const second = await createTenant(fixture.db.dataSource);
    await createMember(fixture.db.dataSource, second.id, 'admin', email);

    const res = await graphql<{ switchTenant: Tokens }>(fixture.stack.gatewayUrl, SWITCH, {
      token: tokens.accessToken,
      variables: { tenantId: second.id, token: tokens.refreshToken },
    });
    expect(errorCodes(res)).toEqual([]);
    const switched = res.body.data!.switchTenant;
    expect(switched).toEqual(expect.objectContaining({ tenantId: second.id, role: 'ADMIN', sessionId: tokens.sessionId }));
    expect(await currentTenant(switched.accessToken)).toBe(second.id);

    // The session now refreshes into the new tenant; the first tenant's token still reads the first.
    const refreshed = (await refresh(fixture.stack.gatewayUrl, switched.refreshToken)).body.data!.refreshSession;
    expect(refreshed.tenantId).toBe(second.id);
    expect(await currentTenant(tokens.accessToken)).toBe(first.id);
  });

  it('refuses to switch to a tenant the person does not belong to, and the refresh token stays usable', async () => {
    const { tokens } = await memberWithSession();
    const foreign = await createTenant(fixture.db.dataSource);
    const res = await graphql(fixture.stack.gatewayUrl, SWITCH, {
      token: tokens.accessToken,
      variables: { tenantId: foreign.id, token: tokens.refreshToken },
    });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await refresh(fixture.stack.gatewayUrl, tokens.refreshToken))).toEqual([]);
  });

  it("refuses to switch with someone else's refresh token", async () => {
    const alice = await memberWithSession();
    const bob = await memberWithSession();
    const res = await graphql(fixture.stack.gatewayUrl, SWITCH, {
      token: alice.tokens.accessToken,
      variables: { tenantId: bob.tenant.id, token: bob.tokens.refreshToken },
    });
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('a removed member cannot refresh: the session ends at the next refresh', async () => {
    const owner = await memberWithSession('owner');
    const { member, tokens } = await (async () => {
      const email = uniqueEmail('leaver');
      await signUp(fixture.stack.gatewayUrl, { email });
      const m = await createMember(fixture.db.dataSource, owner.tenant.id, 'member', email);
      return { member: m, tokens: await signIn(fixture.stack.gatewayUrl, email) };
    })();

    const removed = await graphql(fixture.stack.gatewayUrl, 'mutation ($id: ID!) { removeMember(userId: $id) }', {
      token: owner.tokens.accessToken,
      variables: { id: member.id },
    });
    expect(errorCodes(removed)).toEqual([]);

    const res = await refresh(fixture.stack.gatewayUrl, tokens.refreshToken);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    expect(reasons(res)).toEqual(['MEMBERSHIP_ENDED']);
  });

  it('a suspended member cannot refresh nor sign in to that tenant; reactivated, they can', async () => {
    const { email, tenant, member, tokens } = await memberWithSession('member');
    const owner = await createMember(fixture.db.dataSource, tenant.id, 'owner');
    const ownerToken = await fixture.stack.token({ userId: owner.id, tenantId: tenant.id, role: 'owner' });
    const suspend = await graphql(fixture.stack.gatewayUrl, 'mutation ($id: ID!) { suspendMember(userId: $id) { status } }', {
      token: ownerToken,
      variables: { id: member.id },
    });
    expect(errorCodes(suspend)).toEqual([]);
    expect(reasons(await refresh(fixture.stack.gatewayUrl, tokens.refreshToken))).toEqual(['MEMBERSHIP_ENDED']);
    expect((await signIn(fixture.stack.gatewayUrl, email)).tenantId).toBeNull();

    await graphql(fixture.stack.gatewayUrl, 'mutation ($id: ID!) { reactivateMember(userId: $id) { status } }', {
      token: ownerToken,
      variables: { id: member.id },
    });
    expect((await signIn(fixture.stack.gatewayUrl, email)).tenantId).toBe(tenant.id);
  });

  it('a role change shows in the access token from the next refresh', async () => {
    const { tenant, member, tokens } = await memberWithSession('member');
    await fixture.db.dataSource.query(`UPDATE platform.memberships SET role = 'manager' WHERE tenant_id = $1 AND user_id = $2`, [
      tenant.id,
      member.id,
    ]);
    const next = (await refresh(fixture.stack.gatewayUrl, tokens.refreshToken)).body.data!.refreshSession;
    expect(next.role).toBe('MANAGER');
  });

  it('signing in again with the same password works after sign-out (sessions are independent)', async () => {
    const { email, tokens } = await memberWithSession();
    await graphql(fixture.stack.gatewayUrl, SIGN_OUT, { variables: { token: tokens.refreshToken } });
    const again = await signIn(fixture.stack.gatewayUrl, email, PASSWORD);
    expect(again.sessionId).not.toBe(tokens.sessionId);
  });
});
