import { BadUserInputError, type TenantryError } from '@tenantry/errors';

export enum CredentialErrorCode {
  /** Unknown, malformed or already used: one answer for all. */
  INVALID_CODE = 'INVALID_CODE',
  CODE_EXPIRED = 'CODE_EXPIRED',
}

export class CredentialDomainError extends Error {
  constructor(readonly code: CredentialErrorCode) {
    super(code);
  }
}

export function toPublicCredentialError(error: CredentialDomainError): TenantryError {
  switch (error.code) {
    case CredentialErrorCode.INVALID_CODE:
      return new BadUserInputError('This code is invalid or was already used', { field: 'token', reason: error.code });
    case CredentialErrorCode.CODE_EXPIRED:
      return new BadUserInputError('This code has expired; ask for a new one', { field: 'token', reason: error.code });
  }
}
