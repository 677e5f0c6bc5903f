import { BadUserInputError, type TenantryError } from '@tenantry/errors';

/** What can go wrong when asking about the chain, in the audit feature's own words. */
export enum AuditChainErrorCode {
  INVALID_RANGE = 'INVALID_RANGE',
  INVALID_CHECKPOINT = 'INVALID_CHECKPOINT',
}

export class AuditChainDomainError extends Error {
  constructor(
    readonly code: AuditChainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new AuditChainErrorCode fails to compile until mapped. */
export function toPublicError(error: AuditChainDomainError): TenantryError {
  switch (error.code) {
    case AuditChainErrorCode.INVALID_RANGE:
      return new BadUserInputError(error.message, { reason: error.code });
    case AuditChainErrorCode.INVALID_CHECKPOINT:
      return new BadUserInputError(error.message, { field: 'checkpoint', reason: error.code });
  }
}
