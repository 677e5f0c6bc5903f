import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, type TenantryError } from '@tenantry/errors';

export enum MembershipErrorCode {
  MEMBER_NOT_FOUND = 'MEMBER_NOT_FOUND',
  ROLE_ABOVE_OWN = 'ROLE_ABOVE_OWN',
  LAST_OWNER = 'LAST_OWNER',
  INVALID_CURSOR = 'INVALID_CURSOR',
  TRANSFER_TO_SELF = 'TRANSFER_TO_SELF',
  MEMBER_SUSPENDED = 'MEMBER_SUSPENDED',
}

export class MembershipDomainError extends Error {
  constructor(
    readonly code: MembershipErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toPublicError(error: MembershipDomainError): TenantryError {
  switch (error.code) {
    case MembershipErrorCode.MEMBER_NOT_FOUND:
      return new NotFoundError('Member', { reason: error.code });
    case MembershipErrorCode.ROLE_ABOVE_OWN:
      return new ForbiddenError(error.message, { reason: error.code });
    case MembershipErrorCode.LAST_OWNER:
      return new ConflictError(error.message, { reason: error.code });
    case MembershipErrorCode.INVALID_CURSOR:
      return new BadUserInputError(error.message, { field: 'after' });
    case MembershipErrorCode.MEMBER_SUSPENDED:
      return new ConflictError(error.message, { reason: error.code });
    case MembershipErrorCode.TRANSFER_TO_SELF:
      return new BadUserInputError(error.message, { field: 'userId', reason: error.code });
  }
}
