import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { maskError } from '@tenantry/errors';

/**
 * Body-parser failures answered as GraphQL errors in JSON (Express would answer an HTML page,
 * with a stack trace outside production): a body over BODY_LIMIT is HTTP 413
 * OPERATION_NOT_ALLOWED naming the limit; a body that is not JSON, or in a charset or encoding
 * we do not read, is HTTP 400 BAD_USER_INPUT. Anything else is left to the next handler.
 */
export function bodyErrors(bodyLimit: string): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _req, res, next) => {
    if (error.type === 'entity.too.large') {
      res.status(413).json({
        errors: [
          {
            message: `Request body over the ${bodyLimit} limit`,
            extensions: { code: 'OPERATION_NOT_ALLOWED', limits: [{ limit: 'body', max: bodyLimit }], requestId: res.locals.requestId },
          },
        ],
      });
      return;
    }
    if (typeof error.type === 'string' && typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      res.status(400).json({
        errors: [{ message: 'Request body must be JSON (UTF-8)', extensions: { code: 'BAD_USER_INPUT', requestId: res.locals.requestId } }],
      });
      return;
    }
    next(error);
  };
}

/**
 * An operationName that the document does not define is the caller's mistake (HTTP 400
 * BAD_USER_INPUT); left alone, the gateway's query planner throws and it becomes a 500.
 */
export const unknownOperationPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (operation) return;
        const named = request.operationName ? `No operation named "${request.operationName}" in the document` : 'Name the operation to run';
        throw new GraphQLError(named, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
      },
    };
  },
};

/**
 * Errors Apollo raises before any plugin sees the request (CSRF prevention, a query that is not
 * a string, variables that are not an object) get a code from the public list as well; the
 * error plugin masks everything else per request, with the request id.
 */
export function publicCodes(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return maskError(formatted, randomUUID()).formatted;
}
