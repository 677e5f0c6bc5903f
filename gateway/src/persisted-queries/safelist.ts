import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '@tenantry/logging';
import { unlistedOperations } from '@tenantry/metrics';
import type { Caller } from '../request-context';
import type { ClientPolicy, ClientRegistry } from './client-registry';

/** What a request asks to run: a document, an id (APQ hash or our `id` field), or both. */
interface OperationRequest {
  query?: string;
  /** extensions.persistedQuery.sha256Hash (Apollo's APQ and persisted-query links send it). */
  hash?: string;
  /** The documented `id` field: a persisted operation's id, never an APQ registration. */
  id?: string;
  operationName?: string;
}

type Kind = 'ad_hoc' | 'unknown_id' | 'apq_registration';

const REASON: Record<Kind, string> = {
  ad_hoc: 'OPERATION_NOT_IN_MANIFEST',
  unknown_id: 'PERSISTED_QUERY_NOT_IN_MANIFEST',
  apq_registration: 'APQ_REGISTRATION_NOT_ALLOWED',
};

const MESSAGE: Record<Kind, string> = {
  ad_hoc: "This client may run only operations from its persisted-query manifest: send the operation's id",
  unknown_id: "No operation with this id in the client's persisted-query manifest",
  apq_registration: 'Automatic persisted queries cannot be registered by a client in enforce mode',
};

/**
 * Persisted-query safelists at the edge (ADR 0016). The caller's client is the one its API key
 * is bound to, or `unboundClient` for every other caller (unset: no safelist, mode off). An id
 * found in the client's manifest is replaced by its body before anything else sees the request;
 * what is not in the manifest runs in off mode, runs and is logged and counted in audit mode,
 * and is refused (HTTP 403, OPERATION_NOT_ALLOWED with a reason) in enforce mode, where APQ
 * registration is refused too. Also hands the client's operation limits to the guard.
 */
export function persistedQuerySafelist(options: {
  registry: ClientRegistry;
  unboundClient?: string | undefined;
  logger: Logger;
}): RequestHandler {
  return async (req, res, next) => {
    let caller: Caller;
    try {
      caller = await (res.locals.caller as Promise<Caller>);
    } catch {
      next(); // the context function reports the same failure as it always did
      return;
    }
    const clientName = caller.client ?? options.unboundClient;
    if (!clientName || Array.isArray(req.body)) {
      next();
      return;
    }
    const policy = options.registry.policy(clientName);
    res.locals.operationLimits = policy.limits;
    const op = operationRequest(req);
    if (!op) {
      next();
      return;
    }
    const requestedId = op.id ?? (op.query === undefined ? op.hash : undefined);
    if (op.query === undefined && requestedId !== undefined) {
      const body = policy.operations.get(requestedId);
      if (body !== undefined) {
        useBody(req, body);
        next();
        return;
      }
      if (noteUnlisted(options.logger, policy, caller, op, 'unknown_id', req)) {
        refuse(res, policy, 'unknown_id');
        return;
      }
      if (op.id !== undefined) {
        // Not an APQ hash: nothing further down knows what to do with an unknown id.
        res.status(400).json({
          errors: [
            {
              message: MESSAGE.unknown_id,
              extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', client: policy.name, requestId: caller.requestId },
            },
          ],
        });
        return;
      }
      next(); // an APQ hash: the APQ cache may know it
      return;
    }
    if (op.query !== undefined) {
      if (policy.mode === 'enforce' && op.hash !== undefined) {
        noteUnlisted(options.logger, policy, caller, op, 'apq_registration', req);
        refuse(res, policy, 'apq_registration');
        return;
      }
      const listed = policy.operations.has(createHash('sha256').update(op.query).digest('hex'));
      if (!listed && noteUnlisted(options.logger, policy, caller, op, 'ad_hoc', req)) {
        refuse(res, policy, 'ad_hoc');
        return;
      }
    }
    next();
  };
}

/** Logs and counts an operation outside the manifest; true when the mode refuses it. */
function noteUnlisted(logger: Logger, policy: ClientPolicy, caller: Caller, op: OperationRequest, kind: Kind, req: Request): boolean {
  if (policy.mode === 'off') return false;
  unlistedOperations.inc({ client: policy.name, mode: policy.mode, kind });
  // apollographql-client-name is whatever the caller typed: logged as a hint, never trusted.
  const claimed = req.headers['apollographql-client-name'];
  logger.warn(
    {
      requestId: caller.requestId,
      tenantId: caller.tenantId,
      client: policy.name,
      mode: policy.mode,
      kind,
      ...((op.id ?? op.hash) ? { operationId: op.id ?? op.hash } : {}),
      ...(op.operationName ? { operationName: op.operationName } : {}),
      ...(typeof claimed === 'string' ? { claimedClientName: claimed.slice(0, 100) } : {}),
    },
    policy.mode === 'audit' ? 'operation outside the client manifest (audit: allowed)' : 'operation outside the client manifest refused',
  );
  return policy.mode === 'enforce';
}

function refuse(res: Response, policy: ClientPolicy, kind: Kind): void {
  res.status(403).json({
    errors: [
      {
        message: MESSAGE[kind],
        extensions: { code: 'OPERATION_NOT_ALLOWED', reason: REASON[kind], client: policy.name, requestId: res.locals.requestId },
      },
    ],
  });
}

function operationRequest(req: Request): OperationRequest | undefined {
  const source: Record<string, unknown> | undefined =
    req.method === 'POST' && typeof req.body === 'object' && req.body !== null
      ? (req.body as Record<string, unknown>)
      : req.method === 'GET'
        ? (req.query as Record<string, unknown>)
        : undefined;
  if (!source) return undefined;
  let extensions = source.extensions;
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions) as unknown;
    } catch {
      extensions = undefined; // Apollo Server answers the malformed parameter itself
    }
  }
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  const op: OperationRequest = {};
  if (typeof source.query === 'string') op.query = source.query;
  if (typeof hash === 'string') op.hash = hash;
  if (typeof source.id === 'string') op.id = source.id;
  if (typeof source.operationName === 'string') op.operationName = source.operationName;
  return op;
}

/** Puts a persisted operation's body into the request, as if the client had sent it. */
function useBody(req: Request, body: string): void {
  if (req.method === 'POST') {
    const json = req.body as Record<string, unknown>;
    json.query = body;
    delete json.id;
    const extensions = json.extensions as Record<string, unknown> | undefined;
    if (extensions) {
      delete extensions.persistedQuery;
      if (Object.keys(extensions).length === 0) delete json.extensions;
    }
    return;
  }
  const url = new URL(req.url, 'http://gateway');
  url.searchParams.set('query', body);
  url.searchParams.delete('id');
  const extensions = url.searchParams.get('extensions');
  if (extensions) {
    try {
      const parsed = JSON.parse(extensions) as Record<string, unknown>;
      delete parsed.persistedQuery;
      if (Object.keys(parsed).length === 0) url.searchParams.delete('extensions');
      else url.searchParams.set('extensions', JSON.stringify(parsed));
    } catch {
      url.searchParams.delete('extensions');
    }
  }
  req.url = `${url.pathname}${url.search}`;
}
