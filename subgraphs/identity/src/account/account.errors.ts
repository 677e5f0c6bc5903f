import { BadUserInputError, ConflictError, ErrorCode, ForbiddenError, TenantryError, UnauthenticatedError } from '@tenantry/errors';
import type { PasswordProblem } from '../password/password-policy';

export enum AccountErrorCode {
  /** Unknown email and wrong password answer alike. */
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  INVALID_EMAIL = 'INVALID_EMAIL',
  INVALID_DISPLAY_NAME = 'INVALID_DISPLAY_NAME',
  NOT_A_MEMBER = 'NOT_A_MEMBER',
  SLUG_TAKEN = 'SLUG_TAKEN',
  /** Too many failed sign-ins for this email or from this address: back off. */
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
}

export class AccountDomainError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly detail?: PasswordProblem,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function toPublicAccountError(error: AccountDomainError): TenantryError {
  switch (error.code) {
    case AccountErrorCode.INVALID_CREDENTIALS:
      return new UnauthenticatedError('Invalid email or password');
    case AccountErrorCode.WEAK_PASSWORD:
      return new BadUserInputError(error.message, { field: 'password', reason: error.detail });
    case AccountErrorCode.INVALID_EMAIL:
      return new BadUserInputError(error.message, { field: 'email' });
    case AccountErrorCode.INVALID_DISPLAY_NAME:
      return new BadUserInputError(error.message, { field: 'displayName' });
    case AccountErrorCode.NOT_A_MEMBER:
      return new ForbiddenError(error.message, { reason: error.code });
    case AccountErrorCode.SLUG_TAKEN:
      return new ConflictError(error.message, { field: 'organisation.slug' });
    case AccountErrorCode.TOO_MANY_ATTEMPTS:
      return new TenantryError(ErrorCode.RATE_LIMITED, error.message, { retryAfterSeconds: error.retryAfterSeconds });
  }
}
