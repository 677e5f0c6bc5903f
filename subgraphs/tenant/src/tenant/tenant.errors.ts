import { BadUserInputError, ConflictError, NotFoundError, type TenantryError } from '@tenantry/errors';

/** What can go wrong in the tenant feature, in its own words. */
export enum TenantErrorCode {
  INVALID_SLUG = 'INVALID_SLUG',
  INVALID_NAME = 'INVALID_NAME',
  INVALID_EMAIL = 'INVALID_EMAIL',
  INVALID_PHONE = 'INVALID_PHONE',
  INVALID_TIMEZONE = 'INVALID_TIMEZONE',
  INVALID_LOCALE = 'INVALID_LOCALE',
  INVALID_CURSOR = 'INVALID_CURSOR',
  INVALID_PAGE_SIZE = 'INVALID_PAGE_SIZE',
  INVALID_LOOKUP = 'INVALID_LOOKUP',
  UNKNOWN_PLAN = 'UNKNOWN_PLAN',
  SLUG_TAKEN = 'SLUG_TAKEN',
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
  PARENT_NOT_FOUND = 'PARENT_NOT_FOUND',
  HIERARCHY_TOO_DEEP = 'HIERARCHY_TOO_DEEP',
  HIERARCHY_CYCLE = 'HIERARCHY_CYCLE',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
}

export class TenantDomainError extends Error {
  constructor(
    readonly code: TenantErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new TenantErrorCode fails to compile until mapped. */
export function toPublicError(error: TenantDomainError): TenantryError {
  const details = { ...error.details, reason: error.code };
  switch (error.code) {
    case TenantErrorCode.INVALID_SLUG:
      return new BadUserInputError(error.message, { field: 'slug', ...details });
    case TenantErrorCode.INVALID_NAME:
      return new BadUserInputError(error.message, { field: 'name', ...details });
    case TenantErrorCode.INVALID_EMAIL:
    case TenantErrorCode.INVALID_PHONE:
    case TenantErrorCode.INVALID_TIMEZONE:
    case TenantErrorCode.INVALID_LOCALE:
    case TenantErrorCode.INVALID_CURSOR:
    case TenantErrorCode.INVALID_PAGE_SIZE:
    case TenantErrorCode.INVALID_LOOKUP:
    case TenantErrorCode.UNKNOWN_PLAN:
    case TenantErrorCode.PARENT_NOT_FOUND:
    case TenantErrorCode.HIERARCHY_TOO_DEEP:
    case TenantErrorCode.HIERARCHY_CYCLE:
      return new BadUserInputError(error.message, details);
    case TenantErrorCode.SLUG_TAKEN:
      return new ConflictError(error.message, { field: 'slug', ...details });
    case TenantErrorCode.INVALID_TRANSITION:
      return new ConflictError(error.message, details);
    case TenantErrorCode.TENANT_NOT_FOUND:
      return new NotFoundError('Tenant', details);
  }
}
