import express from 'express';
import type { KeyLike } from 'jose';
import type { DataSource } from 'typeorm';
import { CONTEXT_HEADER, verifyContextToken } from '@tenantry/auth';
import type { Logger } from '@tenantry/logging';
import { RequestDatabase } from '@tenantry/tenancy';
import { ApiClientService } from './api-client.service';

export const PERSISTED_QUERIES_PATH = '/internal/persisted-queries';

/**
 * The gateway has no database: it polls here for every client's mode, limits and active
 * persisted operations (ADR 0016). Only the gateway may ask (its signed context header). The
 * answer carries an ETag; a poll naming the current one costs one small query and gets 304.
 */
export function persistedQueriesRoute(dataSource: DataSource, contextVerifyKey: KeyLike | Uint8Array, logger?: Logger) {
  const service = new ApiClientService(new RequestDatabase(dataSource, undefined));
  return (app: express.Express) => {
    app.get(PERSISTED_QUERIES_PATH, async (req, res) => {
      const header = req.headers[CONTEXT_HEADER];
      try {
        await verifyContextToken(contextVerifyKey, typeof header === 'string' ? header : undefined);
      } catch {
        res.status(401).json({ error: 'gateway context required' });
        return;
      }
      try {
        const known = req.headers['if-none-match'];
        if (known && known === `"${await service.revision()}"`) {
          res.status(304).end();
          return;
        }
        const snapshot = await service.snapshot();
        res.setHeader('ETag', `"${snapshot.revision}"`);
        res.json(snapshot);
      } catch (error) {
        logger?.error({ err: error }, 'persisted-query snapshot failed');
        res.status(503).json({ error: 'unavailable' });
      }
    });
  };
}
