import { BadUserInputError, ConflictError, UnauthenticatedError, type TenantryError } from '@tenantry/errors';

export enum MfaErrorCode {
  /** Password was right; a second factor is needed (send mfaCode). */
  MFA_REQUIRED = 'MFA_REQUIRED',
  MFA_INVALID = 'MFA_INVALID',
  NOT_ENROLLING = 'NOT_ENROLLING',
  ALREADY_ENABLED = 'ALREADY_ENABLED',
  WRONG_CODE = 'WRONG_CODE',
}

export class MfaDomainError extends Error {
  constructor(readonly code: MfaErrorCode) {
    super(code);
  }
}

export function toPublicMfaError(error: MfaDomainError): TenantryError {
  switch (error.code) {
    case MfaErrorCode.MFA_REQUIRED: {
      const e = new UnauthenticatedError('A code from your authenticator app (or a recovery code) is required');
      (e.extensions as Record<string, unknown>).reason = error.code;
      return e;
    }
    case MfaErrorCode.MFA_INVALID: {
      const e = new UnauthenticatedError('Invalid email, password or code');
      (e.extensions as Record<string, unknown>).reason = error.code;
      return e;
    }
    case MfaErrorCode.NOT_ENROLLING:
      return new ConflictError('Start enrolment first', { reason: error.code });
    case MfaErrorCode.ALREADY_ENABLED:
      return new ConflictError('Two-factor authentication is already on', { reason: error.code });
    case MfaErrorCode.WRONG_CODE:
      return new BadUserInputError('That code is not valid', { field: 'code', reason: error.code });
  }
}
