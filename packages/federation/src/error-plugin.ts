import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import { maskError } from '@tenantry/errors';
import { graphqlDuration, graphqlRequests, operationLabel } from '@tenantry/metrics';
import { activeTraceId, annotateActiveSpan } from '@tenantry/tracing';

export interface LoggingContext extends BaseContext {
  requestId: string;
  log: Logger;
}

/**
 * One place where errors become public: codes from the list pass through with their
 * details, anything else becomes INTERNAL_SERVER_ERROR with the request id as correlation id,
 * and the original (with its stack) goes to the log, never to the client. Every request is
 * also counted and timed for /metrics.
 */
export function errorAndLogPlugin<C extends LoggingContext>(service: string): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            const masked = maskError({ message: error.message, extensions: error.extensions }, contextValue.requestId);
            if (masked.unexpected) {
              contextValue.log.error({ err: error.originalError ?? error, operationName, path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, operationName }) {
          const traceId = activeTraceId();
          if (traceId && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, traceId };
          }
          annotateActiveSpan({ 'graphql.operation.name': operationName ?? '' });
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            response.body.singleResult.errors = response.body.singleResult.errors.map(
              (e) => maskError(e, contextValue.requestId).formatted,
            );
          }
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors?.map((e) => e.extensions?.code) ?? []) : [];
          contextValue.log.info({ operationName, ms: Math.round(ms * 10) / 10, errors }, 'graphql request');
          const labels = { service, operation: operationLabel(operationName), outcome: String(errors[0] ?? 'ok') };
          graphqlRequests.inc(labels);
          graphqlDuration.observe(labels, ms / 1000);
        },
      };
    },
  };
}
