import type express from 'express';
import type { SigningKey } from '@tenantry/auth';

/** Public keys the gateway verifies access tokens with (chosen by the token's `kid`). */
export function jwksRoute(keys: SigningKey[]) {
  const body = { keys: keys.map((k) => k.publicJwk) };
  return (app: express.Express) => {
    app.get('/.well-known/jwks.json', (_req, res) => {
      res.set('Cache-Control', 'public, max-age=300').json(body);
    });
  };
}
