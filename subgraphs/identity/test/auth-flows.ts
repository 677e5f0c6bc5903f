import { randomUUID } from 'node:crypto';
import { errorCodes, graphql, type GraphQLResponse } from '@tenantry/testing';

/** GraphQL documents and small helpers the identity integration tests share. */
export const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { accepted } }`;
export const SIGN_IN = `mutation ($input: SignInInput!) {
  signIn(input: $input) { accessToken accessTokenExpiresAt refreshToken sessionId tenantId role }
}`;
export const REFRESH = `mutation ($token: String!) {
  refreshSession(input: { refreshToken: $token }) { accessToken refreshToken sessionId tenantId role }
}`;
export const SIGN_OUT = `mutation ($token: String!) { signOut(input: { refreshToken: $token }) }`;
export const SWITCH = `mutation ($tenantId: ID!, $token: String!) {
  switchTenant(input: { tenantId: $tenantId, refreshToken: $token }) { accessToken refreshToken sessionId tenantId role }
}`;
export const MAILBOX = `query ($to: String!) { devMailbox(recipient: $to) { template subject body } }`;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  tenantId: string | null;
  role: string | null;
}

export const PASSWORD = 'plum-kettle-orbit-42';

export function uniqueEmail(prefix = 'person'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@Example.TEST`;
}

export async function signUp(
  url: string,
  input: { email: string; password?: string; displayName?: string; organisation?: { name: string; slug: string } },
): Promise<GraphQLResponse<{ signUp: { accepted: boolean } }>> {
  return graphql(url, SIGN_UP, {
    variables: { input: { password: PASSWORD, displayName: 'Pat Example', ...input } },
  });
}

export async function signIn(url: string, email: string, password = PASSWORD, tenantId?: string): Promise<Tokens> {
  const res = await graphql<{ signIn: Tokens }>(url, SIGN_IN, { variables: { input: { email, password, tenantId } } });
  if (!res.body.data?.signIn) throw new Error(`sign-in failed: ${JSON.stringify(errorCodes(res))}`);
  return res.body.data.signIn;
}

export async function refresh(url: string, token: string): Promise<GraphQLResponse<{ refreshSession: Tokens }>> {
  return graphql<{ refreshSession: Tokens }>(url, REFRESH, { variables: { token } });
}

/** The error's reason, for refusals that carry one. */
export function reasons(res: GraphQLResponse<unknown>): unknown[] {
  return (res.body.errors ?? []).map((e) => e.extensions?.reason);
}
