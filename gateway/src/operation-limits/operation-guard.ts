import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { parse, type DocumentNode } from 'graphql';
import { measureOperation, type LimitViolation, type OperationLimits } from './operation-limits';

export interface GuardLimits extends OperationLimits {
  maxTokens: number;
  maxCharacters: number;
}

/** Documents already measured and found within limits (by sha256), so repeats cost a hash. */
class AcceptedDocuments {
  private readonly seen = new Map<string, true>();
  constructor(private readonly max = 5_000) {}
  has(key: string): boolean {
    return this.seen.has(key);
  }
  add(key: string): void {
    this.seen.set(key, true);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
  }
}

/**
 * Refuses, before GraphQL parsing and validation proper, documents that are too large or too
 * expensive: HTTP 400 with OPERATION_NOT_ALLOWED naming each exceeded limit, its maximum and
 * the document's value. Batched requests are refused; documents that are merely malformed
 * are left to the server (which answers BAD_USER_INPUT). A client's own limits, when the
 * safelist step put them in `res.locals.operationLimits`, replace the defaults (ADR 0016).
 */
export function operationGuard(defaults: GuardLimits): RequestHandler {
  const accepted = new AcceptedDocuments();
  return (req, res, next) => {
    const limits = (res.locals.operationLimits as GuardLimits | undefined) ?? defaults;
    const body: unknown = req.body;
    if (Array.isArray(body)) {
      refuse(res, 'Batched requests are not accepted: send one operation per request', []);
      return;
    }
    const query = (body as { query?: unknown } | undefined)?.query ?? (typeof req.query.query === 'string' ? req.query.query : undefined);
    if (typeof query !== 'string') {
      next();
      return;
    }
    if (query.length > limits.maxCharacters) {
      refuse(res, 'Operation too large', [{ limit: 'characters', max: limits.maxCharacters, actual: query.length }]);
      return;
    }
    const hash = createHash('sha256').update(query).digest('base64url');
    const key = limits === defaults ? hash : `${hash}:${JSON.stringify(limits)}`;
    if (accepted.has(key)) {
      next();
      return;
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      if (/more th(?:an|at) \d+ tokens/.test((error as Error).message)) {
        refuse(res, 'Operation has too many tokens', [{ limit: 'tokens', max: limits.maxTokens, actual: null }]);
        return;
      }
      next(); // a syntax error: the server reports it as BAD_USER_INPUT
      return;
    }
    const violations = measureOperation(document, limits);
    if (violations.length > 0) {
      refuse(res, `Operation exceeds ${violations.map((v) => v.limit).join(', ')} limits`, violations);
      return;
    }
    accepted.add(key);
    next();
  };
}

type Violation = LimitViolation | { limit: 'tokens' | 'characters'; max: number; actual: number | null };

function refuse(res: Parameters<RequestHandler>[1], message: string, violations: Violation[]): void {
  res.status(400).json({
    errors: [{ message, extensions: { code: 'OPERATION_NOT_ALLOWED', limits: violations, requestId: res.locals.requestId } }],
  });
}
