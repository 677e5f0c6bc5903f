import { SignJWT, createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import { SIGNING_ALG, importSigningKey, type SigningKey } from '@tenantry/auth';

const ISSUER = 'tenantry-audit';

/** What the platform's audit key signs; each kind has its own JWS `typ`. */
export type AuditStatementKind = 'checkpoint' | 'export' | 'purge';

const TYP: Record<AuditStatementKind, string> = {
  checkpoint: 'tenantry-audit-checkpoint+jwt',
  export: 'tenantry-audit-export+jwt',
  purge: 'tenantry-audit-purge+jwt',
};

/**
 * The platform's audit key (Ed25519, AUDIT_SIGNING_KEY). Statements are compact JWS, so a
 * holder of one can check it with any JOSE library and the public JWK, without Tenantry.
 * Statements signed before a key rotation still verify when the retired public keys are
 * configured (AUDIT_RETIRED_VERIFY_KEYS); the JWS `kid` picks the key.
 */
export class AuditSigningService {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly key: SigningKey,
    readonly verificationKeys: JSONWebKeySet,
  ) {
    this.keySet = createLocalJWKSet(verificationKeys);
  }

  /** `retiredPublicJwks`: JSON array of public JWKs of earlier audit keys (no private parts). */
  static async fromPrivateJwk(privateJwkJson: string, retiredPublicJwks = '[]'): Promise<AuditSigningService> {
    const key = await importSigningKey(privateJwkJson);
    const retired = (JSON.parse(retiredPublicJwks) as JWK[]).map(({ d: _never, ...publicOnly }) => ({
      ...publicOnly,
      alg: SIGNING_ALG,
      use: 'sig',
    }));
    if (retired.some((jwk) => !jwk.kid || jwk.kid === key.kid)) {
      throw new Error('every retired audit key needs its own kid, different from the current key');
    }
    return new AuditSigningService(key, { keys: [key.publicJwk, ...retired] });
  }

  get keyId(): string {
    return this.key.kid;
  }

  get publicJwk(): JWK {
    return this.key.publicJwk;
  }

  async sign(kind: AuditStatementKind, claims: Record<string, string>, issuedAt: Date): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.key.kid, typ: TYP[kind] })
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .sign(this.key.privateKey);
  }

  /** The signed claims, or undefined when the token is malformed, of another kind or not signed by a known audit key. */
  async verify(kind: AuditStatementKind, token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, { issuer: ISSUER, algorithms: [SIGNING_ALG], typ: TYP[kind] });
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}
