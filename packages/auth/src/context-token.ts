import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type KeyLike } from 'jose';
import { UnauthenticatedError } from '@tenantry/errors';
import { SIGNING_ALG, type SigningKey } from './keys';
import { isPlatformRole, isTenantRole, type Principal } from './principal';

/** Header the gateway sets on every subgraph fetch; subgraphs trust nothing else. */
export const CONTEXT_HEADER = 'x-tenantry-context';

const ISSUER = 'tenantry-gateway';
const AUDIENCE = 'tenantry-subgraph';
export const CONTEXT_TOKEN_TTL_SECONDS = 60;

/** What the gateway established about a request, once, for every subgraph it calls. */
export interface RequestContextClaims {
  requestId: string;
  tenantId?: string;
  principal: Principal;
  /** The client's address as the gateway saw it (for per-IP throttling); never a credential. */
  clientIp?: string;
  /** The client's User-Agent header, cut to USER_AGENT_MAX characters (audited with security events). */
  userAgent?: string;
}

/** Longest User-Agent a context token carries; longer ones are cut. */
export const USER_AGENT_MAX = 256;

export async function signContextToken(key: SigningKey, claims: RequestContextClaims): Promise<string> {
  return new SignJWT({
    rid: claims.requestId,
    tid: claims.tenantId,
    prn: claims.principal,
    cip: claims.clientIp,
    ua: claims.userAgent?.slice(0, USER_AGENT_MAX),
  })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'tenantry-context+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${CONTEXT_TOKEN_TTL_SECONDS}s`)
    .sign(key.privateKey);
}

/** Verifies a gateway context token; anything missing, expired, forged or malformed is UNAUTHENTICATED. */
export async function verifyContextToken(key: KeyLike | Uint8Array, token: string | undefined): Promise<RequestContextClaims> {
  if (!token) throw new UnauthenticatedError('Subgraphs answer only the gateway: missing signed context');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [SIGNING_ALG],
      typ: 'tenantry-context+jwt',
      maxTokenAge: `${CONTEXT_TOKEN_TTL_SECONDS + 5}s`,
    }));
  } catch {
    throw new UnauthenticatedError('Invalid or expired gateway context');
  }
  const principal = parsePrincipal(payload.prn);
  const requestId = payload.rid;
  const tenantId = payload.tid;
  if (!principal || typeof requestId !== 'string' || (tenantId !== undefined && typeof tenantId !== 'string')) {
    throw new UnauthenticatedError('Malformed gateway context');
  }
  const clientIp = typeof payload.cip === 'string' && payload.cip.length <= 64 ? payload.cip : undefined;
  const userAgent = typeof payload.ua === 'string' ? payload.ua.slice(0, USER_AGENT_MAX) : undefined;
  return {
    requestId,
    principal,
    ...(tenantId ? { tenantId } : {}),
    ...(clientIp ? { clientIp } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
}

function parsePrincipal(value: unknown): Principal | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  switch (p.kind) {
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'user':
      if (typeof p.userId !== 'string') return undefined;
      return {
        kind: 'user',
        userId: p.userId,
        ...(isTenantRole(p.role) ? { role: p.role } : {}),
        ...(isPlatformRole(p.platformRole) ? { platformRole: p.platformRole } : {}),
      };
    case 'api_key':
      if (typeof p.keyId !== 'string' || !Array.isArray(p.scopes)) return undefined;
      return { kind: 'api_key', keyId: p.keyId, scopes: p.scopes.filter((s): s is string => typeof s === 'string') };
    default:
      return undefined;
  }
}
