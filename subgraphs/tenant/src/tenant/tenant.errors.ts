import { BadUserInputError, ConflictError, NotFoundError, type TenantryError } from '@tenantry/errors';

/** What can go wrong in the tenant feature, in its own words. */
export enum TenantErrorCode {
  INVALID_SLUG = 'INVALID_SLUG',
  INVALID_NAME = 'INVALID_NAME',
  SLUG_TAKEN = 'SLUG_TAKEN',
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
}

export class TenantDomainError extends Error {
  constructor(
    readonly code: TenantErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new TenantErrorCode fails to compile until mapped. */
export function toPublicError(error: TenantDomainError): TenantryError {
  switch (error.code) {
    case TenantErrorCode.INVALID_SLUG:
      return new BadUserInputError(error.message, { field: 'slug', reason: error.code });
    case TenantErrorCode.INVALID_NAME:
      return new BadUserInputError(error.message, { field: 'name', reason: error.code });
    case TenantErrorCode.SLUG_TAKEN:
      return new ConflictError(error.message, { field: 'slug', reason: error.code });
    case TenantErrorCode.TENANT_NOT_FOUND:
      return new NotFoundError('Tenant', { reason: error.code });
  }
}
