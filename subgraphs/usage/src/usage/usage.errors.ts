import { BadUserInputError, type TenantryError } from '@tenantry/errors';

export enum UsageErrorCode {
  INVALID_RESOURCE = 'INVALID_RESOURCE',
  INVALID_AMOUNT = 'INVALID_AMOUNT',
}

export class UsageDomainError extends Error {
  constructor(
    readonly code: UsageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toPublicError(error: UsageDomainError): TenantryError {
  switch (error.code) {
    case UsageErrorCode.INVALID_RESOURCE:
      return new BadUserInputError(error.message, { field: 'resource', reason: error.code });
    case UsageErrorCode.INVALID_AMOUNT:
      return new BadUserInputError(error.message, { field: 'amount', reason: error.code });
  }
}
