import { BadUserInputError, NotFoundError, type TenantryError } from '@tenantry/errors';

/** What can go wrong with clients and their persisted-query manifests. */
export enum ApiClientErrorCode {
  INVALID_CLIENT_NAME = 'INVALID_CLIENT_NAME',
  INVALID_MANIFEST = 'INVALID_MANIFEST',
  PERSISTED_QUERY_ID_MISMATCH = 'PERSISTED_QUERY_ID_MISMATCH',
  INVALID_OPERATION_LIMITS = 'INVALID_OPERATION_LIMITS',
  CLIENT_NOT_FOUND = 'CLIENT_NOT_FOUND',
}

export class ApiClientDomainError extends Error {
  constructor(
    readonly code: ApiClientErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new ApiClientErrorCode fails to compile until mapped. */
export function toPublicApiClientError(error: ApiClientDomainError): TenantryError {
  const details = { ...error.details, reason: error.code };
  switch (error.code) {
    case ApiClientErrorCode.INVALID_CLIENT_NAME:
    case ApiClientErrorCode.INVALID_MANIFEST:
    case ApiClientErrorCode.PERSISTED_QUERY_ID_MISMATCH:
    case ApiClientErrorCode.INVALID_OPERATION_LIMITS:
      return new BadUserInputError(error.message, details);
    case ApiClientErrorCode.CLIENT_NOT_FOUND:
      return new NotFoundError('Client', details);
  }
}
