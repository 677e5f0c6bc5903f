import type { GraphQLResolveInfo } from 'graphql';
import type { IMiddlewareFunction } from 'graphql-middleware';
import { isPermissionDenial } from '@tenantry/auth';
import type { TenantryError } from '@tenantry/errors';
import type { BaseSubgraphContext } from './subgraph-server';

/** Longest a refused request waits for its audit write; the write itself carries on. */
const RECORD_WAIT_MS = 2_000;

/**
 * Middleware around the permissions guard for the root fields whose refusals are audited
 * (every mutation and the sensitive queries, ADR 0022): a permission denial is recorded as
 * `authz.denied` by the context's recorder — in its own transaction, flood-bounded — and then
 * reaches the client exactly as the guard made it. The resolver never ran, so nothing else is written.
 */
export function denialAudit(fields: { Query: string[]; Mutation: string[] }) {
  const wrap: IMiddlewareFunction = async (resolve, parent, args, context: BaseSubgraphContext, info) => {
    let result: unknown;
    try {
      result = await resolve(parent, args, context, info);
    } catch (error) {
      if (isPermissionDenial(error)) await recordDenial(context, info, error);
      throw error;
    }
    // graphql-shield may hand a rule's error back as the field's value; GraphQL raises it.
    if (isPermissionDenial(result)) await recordDenial(context, info, result);
    return result;
  };
  const map: Record<string, Record<string, IMiddlewareFunction>> = {};
  for (const type of ['Query', 'Mutation'] as const) {
    if (fields[type].length > 0) map[type] = Object.fromEntries(fields[type].map((field) => [field, wrap]));
  }
  return map;
}

async function recordDenial(ctx: BaseSubgraphContext, info: GraphQLResolveInfo, error: TenantryError): Promise<void> {
  if (!ctx.securityAudit) return;
  const operation = `${info.parentType.name}.${info.fieldName}`;
  const extensions = error.extensions as { code?: unknown; requirement?: unknown };
  const recording = ctx.securityAudit
    .record({
      action: 'authz.denied',
      actor: ctx.principal,
      tenantId: ctx.tenantId,
      resourceType: 'operation',
      resourceId: operation,
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
      details: {
        operation,
        operationName: info.operation.name?.value ?? null,
        code: typeof extensions.code === 'string' ? extensions.code : null,
        requirement: typeof extensions.requirement === 'string' ? extensions.requirement : null,
        ip: ctx.clientIp ?? null,
        userAgent: ctx.userAgent ?? null,
      },
    })
    .catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([recording, new Promise((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)))]);
  clearTimeout(timer);
}
