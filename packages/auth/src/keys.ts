import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';

export const SIGNING_ALG = 'EdDSA';

export interface SigningKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  publicJwk: JWK;
}

/** A fresh Ed25519 key pair as JWKs; the kid is a thumbprint-like digest of the public key. */
export async function generateSigningJwk(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = createHash('sha256')
    .update(publicJwk.x ?? '')
    .digest('base64url')
    .slice(0, 16);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
  };
}

/** Imports a private JWK (given as JSON text in config) and derives its public half. */
export async function importSigningKey(privateJwkJson: string): Promise<SigningKey> {
  const jwk = JSON.parse(privateJwkJson) as JWK;
  if (!jwk.d || !jwk.x || !jwk.kid) throw new Error('signing key must be a private Ed25519 JWK with a kid');
  const privateKey = await importJWK(jwk, SIGNING_ALG);
  const { d: _private, ...publicJwk } = jwk;
  return { kid: jwk.kid, privateKey, publicJwk: { ...publicJwk, alg: SIGNING_ALG, use: 'sig' } };
}

export async function importVerifyKey(publicJwkJson: string): Promise<KeyLike | Uint8Array> {
  const jwk = JSON.parse(publicJwkJson) as JWK;
  const { d: _neverUsedForVerifying, ...publicOnly } = jwk;
  return importJWK(publicOnly, SIGNING_ALG);
}
