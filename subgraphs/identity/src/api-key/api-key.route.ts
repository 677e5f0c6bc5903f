import express from 'express';
import type { KeyLike } from 'jose';
import type { DataSource } from 'typeorm';
import type { SecurityAuditRecorder } from '@tenantry/audit-writer';
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
export function apiKeyVerifyRoute(
  dataSource: DataSource,
  contextVerifyKey: KeyLike | Uint8Array,
  logger?: Logger,
  securityAudit?: SecurityAuditRecorder,
) {
  const service = new ApiKeyService(new RequestDatabase(dataSource, undefined));
  return (app: express.Express) => {
    app.post(API_KEY_VERIFY_PATH, express.json({ limit: '2kb' }), async (req, res) => {
      const header = req.headers[CONTEXT_HEADER];
      let requestId: string;
      try {
        ({ requestId } = await verifyContextToken(contextVerifyKey, typeof header === 'string' ? header : undefined));
      } catch {
        res.status(401).json({ error: 'gateway context required' });
        return;
      }
      const key = (req.body as { key?: unknown } | undefined)?.key;
      try {
        const outcome: Awaited<ReturnType<ApiKeyService['check']>> =
          typeof key === 'string' ? await service.check(key) : { refused: 'malformed' };
        if (!('identity' in outcome)) {
          // A known key (wrong secret, revoked, expired) on its tenant's trail; anything else on the platform's.
          await securityAudit?.record({
            action: 'auth.api_key_rejected',
            actor: { kind: 'anonymous' },
            tenantId: outcome.tenantId,
            resourceType: 'api_key',
            resourceId: outcome.keyId ?? 'unknown',
            requestId,
            details: { reason: outcome.refused },
          });
          res.status(401).json({ error: 'invalid api key' });
          return;
        }
        res.json(outcome.identity);
      } catch (error) {
        logger?.error({ err: error }, 'api key verification failed');
        res.status(503).json({ error: 'unavailable' });
      }
    });
  };
}
