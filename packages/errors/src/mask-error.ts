import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './codes';

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));

/** Codes Apollo Server itself raises for malformed requests; they are safe to pass on. */
const APOLLO_REQUEST_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: ErrorCode.BAD_USER_INPUT,
  GRAPHQL_VALIDATION_FAILED: ErrorCode.BAD_USER_INPUT,
  BAD_REQUEST: ErrorCode.BAD_USER_INPUT,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BAD_USER_INPUT,
  PERSISTED_QUERY_NOT_FOUND: ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.PERSISTED_QUERY_NOT_FOUND,
};

export interface MaskedError {
  formatted: GraphQLFormattedError;
  /** true when the original error was unexpected and must be logged with its correlation id. */
  unexpected: boolean;
}

/**
 * Maps any formatted error onto the public code list. Expected errors keep their message and
 * details; unexpected ones lose message, stack and everything else, keeping only a
 * correlation id that the logs carry too.
 */
export function maskError(formatted: GraphQLFormattedError, correlationId: string): MaskedError {
  const rawCode = formatted.extensions?.code;
  const code = typeof rawCode === 'string' ? (APOLLO_REQUEST_CODES[rawCode] ?? rawCode) : undefined;
  if (code && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { stacktrace: _dropped, exception: _alsoDropped, ...extensions } = formatted.extensions ?? {};
    return { formatted: { ...formatted, extensions: { ...extensions, code } }, unexpected: false };
  }
  return {
    formatted: {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, correlationId },
    },
    unexpected: true,
  };
}
