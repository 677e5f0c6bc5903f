import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { JWTVerifyGetKey } from 'jose';
import { verifyAccessToken, type Principal } from '@tenantry/auth';
import { UnauthenticatedError, type TenantryError } from '@tenantry/errors';
import type { VerifyApiKey } from './api-key-verifier';
import { resolveTenant, tenantClaims, withStatus, type TenantResolution } from './tenant-resolution/tenant-resolution';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

export interface Caller {
  requestId: string;
  tenantId?: string;
  principal: Principal;
  /** The tenant's plan as the access token states it (for the rate limit). */
  plan?: string;
  /** The client an API key is bound to (ADR 0016); never taken from a header. */
  client?: string;
}

/** Keeps a caller's request id when it is safe to log, otherwise issues one. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Establishes who is calling and for which tenant, once per request. The token's tenant claim
 * (or the API key's tenant) wins; X-Tenant-Id, X-Tenant-Slug and the Host may only name the
 * same tenant, or, without one, choose it — all that are present agreeing (tenant-resolution).
 */
export async function identifyCaller(
  headers: IncomingHttpHeaders,
  requestId: string,
  keys: JWTVerifyGetKey,
  verifyApiKey: VerifyApiKey | undefined,
  tenants: TenantResolution,
): Promise<Caller> {
  const authorization = headers.authorization;
  const claims = tenantClaims(headers, tenants.hosts);
  const resolve = (authority?: Parameters<typeof resolveTenant>[1]) => resolveTenant(claims, authority, tenants.lookUp, requestId);
  const apiKey = apiKeyFrom(headers);
  if (apiKey !== undefined) {
    if (!verifyApiKey) throw withStatus(new UnauthenticatedError('API keys are not accepted here'));
    const identity = await verifyApiKey(apiKey, requestId);
    if (!identity) throw withStatus(new UnauthenticatedError('Invalid, expired or revoked API key'));
    // A key acts only in its own tenant: the headers may repeat it, never change it.
    const tenantId = (await resolve({ tenantId: identity.tenantId, credential: 'API key' }))!;
    return {
      requestId,
      tenantId,
      principal: { kind: 'api_key', keyId: identity.keyId, scopes: identity.scopes },
      ...(identity.client ? { client: identity.client } : {}),
    };
  }
  if (!authorization) {
    const tenantId = await resolve();
    return { requestId, principal: { kind: 'anonymous' }, ...(tenantId ? { tenantId } : {}) };
  }
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
  if (!match) throw withStatus(new UnauthenticatedError('Authorization must be "Bearer <token>"'));
  const token = await verifyAccessToken(keys, match[1]!).catch((error: TenantryError) => {
    throw withStatus(error);
  });
  const tenantId = await resolve(token.tenantId ? { tenantId: token.tenantId, credential: 'access token' } : undefined);
  const principal: Principal = {
    kind: 'user',
    userId: token.userId,
    // A role is only meaningful for the tenant the token was issued for.
    ...(token.role && token.tenantId ? { role: token.role } : {}),
    ...(token.platformRole ? { platformRole: token.platformRole } : {}),
  };
  return { requestId, principal, ...(tenantId ? { tenantId } : {}), ...(token.plan && token.tenantId ? { plan: token.plan } : {}) };
}

/**
 * A partner key from `Authorization: ApiKey <key>` or `X-Api-Key: <key>`; undefined when the
 * request carries neither. Both at once, or a key beside a bearer token, is refused.
 */
function apiKeyFrom(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  const fromHeader = typeof header === 'string' ? header.trim() : undefined;
  const scheme = /^ApiKey (\S+)$/.exec(headers.authorization ?? '');
  if (fromHeader !== undefined && headers.authorization) {
    throw withStatus(new UnauthenticatedError('Send one credential: X-Api-Key or Authorization, not both'));
  }
  return fromHeader ?? scheme?.[1];
}
