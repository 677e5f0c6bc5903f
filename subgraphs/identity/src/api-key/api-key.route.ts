import express from 'express';
import type { KeyLike } from 'jose';
import type { DataSource } from 'typeorm';
import { CONTEXT_HEADER, verifyContextToken } from '@tenantry/auth';
import type { Logger } from '@tenantry/logging';
import { RequestDatabase } from '@tenantry/tenancy';
import { ApiKeyService } from './api-key.service';

export const API_KEY_VERIFY_PATH = '/internal/api-keys/verify';

/**
 * The gateway has no database: it asks here whether an API key is valid. Only the gateway may
 * ask (its signed context header, as on /graphql); the answer is the key's id, tenant and
 * scopes, or 401 for any key that is not usable — nothing says which check failed.
 */
export function apiKeyVerifyRoute(dataSource: DataSource, contextVerifyKey: KeyLike | Uint8Array, logger?: Logger) {
  const service = new ApiKeyService(new RequestDatabase(dataSource, undefined));
  return (app: express.Express) => {
    app.post(API_KEY_VERIFY_PATH, express.json({ limit: '2kb' }), async (req, res) => {
      const header = req.headers[CONTEXT_HEADER];
      try {
        await verifyContextToken(contextVerifyKey, typeof header === 'string' ? header : undefined);
      } catch {
        res.status(401).json({ error: 'gateway context required' });
        return;
      }
      const key = (req.body as { key?: unknown } | undefined)?.key;
      try {
        const identity = typeof key === 'string' ? await service.verify(key) : undefined;
        if (!identity) {
          res.status(401).json({ error: 'invalid api key' });
          return;
        }
        res.json(identity);
      } catch (error) {
        logger?.error({ err: error }, 'api key verification failed');
        res.status(503).json({ error: 'unavailable' });
      }
    });
  };
}
