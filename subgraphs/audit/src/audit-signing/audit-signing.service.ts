import { SignJWT, jwtVerify, type JWK, type KeyLike } from 'jose';
import { SIGNING_ALG, importSigningKey, importVerifyKey, type SigningKey } from '@tenantry/auth';

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
 */
export class AuditSigningService {
  private constructor(
    private readonly key: SigningKey,
    private readonly verifyKey: KeyLike | Uint8Array,
  ) {}

  static async fromPrivateJwk(privateJwkJson: string): Promise<AuditSigningService> {
    const key = await importSigningKey(privateJwkJson);
    return new AuditSigningService(key, await importVerifyKey(JSON.stringify(key.publicJwk)));
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

  /** The signed claims, or undefined when the token is malformed, of another kind or not signed by this key. */
  async verify(kind: AuditStatementKind, token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.verifyKey, { issuer: ISSUER, algorithms: [SIGNING_ALG], typ: TYP[kind] });
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}
