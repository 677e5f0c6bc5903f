import { SignJWT, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '@tenantry/errors';
import { SIGNING_ALG, type SigningKey } from './keys';
import { isPlatformRole, isTenantRole, type PlatformRole, type TenantRole } from './principal';

const ISSUER = 'tenantry-identity';
const AUDIENCE = 'tenantry';

/** A user's access token: issued for one tenant the user belongs to (or none, for staff). */
export interface AccessTokenClaims {
  userId: string;
  tenantId?: string;
  role?: TenantRole;
  platformRole?: PlatformRole;
  /** The tenant's plan code when issued: the gateway's rate limit reads it (refreshed with the token). */
  plan?: string;
}

export async function issueAccessToken(key: SigningKey, claims: AccessTokenClaims, ttlSeconds: number): Promise<string> {
  return new SignJWT({ tid: claims.tenantId, role: claims.role, prole: claims.platformRole, plan: claims.plan })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.privateKey);
}

/** Verifies against identity's JWKS (chosen by `kid`); every failure is UNAUTHENTICATED. */
export async function verifyAccessToken(keys: JWTVerifyGetKey, token: string): Promise<AccessTokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [SIGNING_ALG],
      typ: 'at+jwt',
    }));
  } catch {
    throw new UnauthenticatedError('Invalid or expired access token');
  }
  if (typeof payload.sub !== 'string') throw new UnauthenticatedError('Access token has no subject');
  return {
    userId: payload.sub,
    ...(typeof payload.tid === 'string' ? { tenantId: payload.tid } : {}),
    ...(isTenantRole(payload.role) ? { role: payload.role } : {}),
    ...(isPlatformRole(payload.prole) ? { platformRole: payload.prole } : {}),
    ...(typeof payload.plan === 'string' && /^[a-z][a-z0-9_]{0,31}$/.test(payload.plan) ? { plan: payload.plan } : {}),
  };
}
