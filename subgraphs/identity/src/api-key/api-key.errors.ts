import { BadUserInputError, ForbiddenError, NotFoundError, type TenantryError } from '@tenantry/errors';

export enum ApiKeyErrorCode {
  UNKNOWN_SCOPE = 'UNKNOWN_SCOPE',
  INVALID_NAME = 'INVALID_NAME',
  EXPIRY_IN_PAST = 'EXPIRY_IN_PAST',
  NOT_ADMIN = 'NOT_ADMIN',
  API_KEY_NOT_FOUND = 'API_KEY_NOT_FOUND',
  UNKNOWN_CLIENT = 'UNKNOWN_CLIENT',
}

export class ApiKeyDomainError extends Error {
  constructor(
    readonly code: ApiKeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toPublicApiKeyError(error: ApiKeyDomainError): TenantryError {
  switch (error.code) {
    case ApiKeyErrorCode.UNKNOWN_SCOPE:
      return new BadUserInputError(error.message, { field: 'scopes' });
    case ApiKeyErrorCode.INVALID_NAME:
      return new BadUserInputError(error.message, { field: 'name' });
    case ApiKeyErrorCode.EXPIRY_IN_PAST:
      return new BadUserInputError(error.message, { field: 'expiresAt' });
    case ApiKeyErrorCode.NOT_ADMIN:
      return new ForbiddenError(error.message, { reason: error.code });
    case ApiKeyErrorCode.UNKNOWN_CLIENT:
      return new BadUserInputError(error.message, { field: 'client', reason: error.code });
    case ApiKeyErrorCode.API_KEY_NOT_FOUND:
      return new NotFoundError('API key', { reason: error.code });
  }
}
