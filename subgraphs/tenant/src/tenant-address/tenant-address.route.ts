import express from 'express';
import type { KeyLike } from 'jose';
import type { DataSource } from 'typeorm';
import { CONTEXT_HEADER, verifyContextToken } from '@tenantry/auth';
import type { Logger } from '@tenantry/logging';
import { findTenantByAddress, parseTenantAddress } from './tenant-address.service';

export const TENANT_RESOLVE_PATH = '/internal/tenants/resolve';

/**
 * The gateway has no database: it asks here which tenant a slug or a verified custom domain
 * names. Only the gateway may ask (its signed context header, exactly as identity's
 * /internal/api-keys/verify); the answer is the tenant id, or 404 for anything that names no
 * tenant — unknown, malformed, unverified or purged alike.
 */
export function tenantResolveRoute(dataSource: DataSource, contextVerifyKey: KeyLike | Uint8Array, logger?: Logger) {
  return (app: express.Express) => {
    app.post(TENANT_RESOLVE_PATH, express.json({ limit: '2kb' }), async (req, res) => {
      const header = req.headers[CONTEXT_HEADER];
      try {
        await verifyContextToken(contextVerifyKey, typeof header === 'string' ? header : undefined);
      } catch {
        res.status(401).json({ error: 'gateway context required' });
        return;
      }
      const address = parseTenantAddress(req.body);
      try {
        const tenantId = address ? await findTenantByAddress(dataSource, address) : undefined;
        if (!tenantId) {
          res.status(404).json({ error: 'no tenant at this address' });
          return;
        }
        res.json({ tenantId });
      } catch (error) {
        logger?.error({ err: error }, 'tenant resolution failed');
        res.status(503).json({ error: 'unavailable' });
      }
    });
  };
}
