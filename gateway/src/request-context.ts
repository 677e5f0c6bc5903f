import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { JWTVerifyGetKey } from 'jose';
import { verifyAccessToken, type Principal } from '@tenantry/auth';
import { ErrorCode, ForbiddenError, UnauthenticatedError, httpStatusFor, type TenantryError } from '@tenantry/errors';
import { isTenantId } from '@tenantry/tenancy';
import type { VerifyApiKey } from './api-key-verifier';

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
 * Establishes who is calling and for which tenant, once per request. The token's tenant
 * claim wins; X-Tenant-Id may only name the same tenant (or, without a claim, choose one);
 * a mismatch is refused.
 */
export async function identifyCaller(
  headers: IncomingHttpHeaders,
  requestId: string,
  keys: JWTVerifyGetKey,
  verifyApiKey?: VerifyApiKey,
): Promise<Caller> {
  const authorization = headers.authorization;
  const headerTenant = headers['x-tenant-id'];
  if (headerTenant !== undefined && !isTenantId(headerTenant)) {
    throw withStatus(new ForbiddenError('X-Tenant-Id must be a tenant id', { header: 'X-Tenant-Id' }));
  }
  const apiKey = apiKeyFrom(headers);
  if (apiKey !== undefined) {
    if (!verifyApiKey) throw withStatus(new UnauthenticatedError('API keys are not accepted here'));
    const identity = await verifyApiKey(apiKey, requestId);
    if (!identity) throw withStatus(new UnauthenticatedError('Invalid, expired or revoked API key'));
    // A key acts only in its own tenant: the header may repeat it, never change it.
    if (headerTenant && headerTenant !== identity.tenantId) {
      throw withStatus(new ForbiddenError('X-Tenant-Id does not match the tenant of the API key', { header: 'X-Tenant-Id' }));
    }
    return {
      requestId,
      tenantId: identity.tenantId,
      principal: { kind: 'api_key', keyId: identity.keyId, scopes: identity.scopes },
      ...(identity.client ? { client: identity.client } : {}),
    };
  }
  if (!authorization) {
    return { requestId, principal: { kind: 'anonymous' }, ...(headerTenant ? { tenantId: headerTenant } : {}) };
  }
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
  if (!match) throw withStatus(new UnauthenticatedError('Authorization must be "Bearer <token>"'));
  const claims = await verifyAccessToken(keys, match[1]!).catch((error: TenantryError) => {
    throw withStatus(error);
  });
  if (claims.tenantId && headerTenant && headerTenant !== claims.tenantId) {
    throw withStatus(new ForbiddenError('X-Tenant-Id does not match the tenant of the access token', { header: 'X-Tenant-Id' }));
  }
  const tenantId = claims.tenantId ?? headerTenant;
  const principal: Principal = {
    kind: 'user',
    userId: claims.userId,
    // A role is only meaningful for the tenant the token was issued for.
    ...(claims.role && claims.tenantId ? { role: claims.role } : {}),
    ...(claims.platformRole ? { platformRole: claims.platformRole } : {}),
  };
  return { requestId, principal, ...(tenantId ? { tenantId } : {}), ...(claims.plan && claims.tenantId ? { plan: claims.plan } : {}) };
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

function withStatus(error: TenantryError): TenantryError {
  const code = error.extensions.code as ErrorCode;
  (error.extensions as Record<string, unknown>).http = { status: httpStatusFor(code) };
  return error;
}
