import { BadUserInputError, ConflictError, NotFoundError, type TenantryError } from '@tenantry/errors';

export enum DomainErrorCode {
  INVALID_DOMAIN = 'INVALID_DOMAIN',
  DOMAIN_TAKEN = 'DOMAIN_TAKEN',
  DOMAIN_NOT_FOUND = 'DOMAIN_NOT_FOUND',
  TXT_RECORD_NOT_FOUND = 'TXT_RECORD_NOT_FOUND',
  DNS_LOOKUP_FAILED = 'DNS_LOOKUP_FAILED',
}

export class DomainDomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new DomainErrorCode fails to compile until mapped. */
export function toPublicDomainError(error: DomainDomainError): TenantryError {
  const details = { ...error.details, reason: error.code };
  switch (error.code) {
    case DomainErrorCode.INVALID_DOMAIN:
    case DomainErrorCode.TXT_RECORD_NOT_FOUND:
    case DomainErrorCode.DNS_LOOKUP_FAILED:
      return new BadUserInputError(error.message, details);
    case DomainErrorCode.DOMAIN_TAKEN:
      return new ConflictError(error.message, details);
    case DomainErrorCode.DOMAIN_NOT_FOUND:
      return new NotFoundError('Domain', details);
  }
}
