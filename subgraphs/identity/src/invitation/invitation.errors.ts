import { BadUserInputError, ConflictError, ErrorCode, ForbiddenError, NotFoundError, TenantryError } from '@tenantry/errors';

export enum InvitationErrorCode {
  /** Unknown, malformed, used or revoked: one answer for all. */
  INVALID_INVITATION = 'INVALID_INVITATION',
  INVITATION_EXPIRED = 'INVITATION_EXPIRED',
  INVITATION_NOT_FOUND = 'INVITATION_NOT_FOUND',
  ROLE_ABOVE_OWN = 'ROLE_ABOVE_OWN',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  ALREADY_INVITED = 'ALREADY_INVITED',
  ACCOUNT_DETAILS_REQUIRED = 'ACCOUNT_DETAILS_REQUIRED',
  SEAT_QUOTA_EXCEEDED = 'SEAT_QUOTA_EXCEEDED',
}

export class InvitationDomainError extends Error {
  constructor(
    readonly code: InvitationErrorCode,
    message: string,
    readonly quota?: { limit: number; used: number },
  ) {
    super(message);
  }
}

export function toPublicInvitationError(error: InvitationDomainError): TenantryError {
  const reason = { reason: error.code };
  switch (error.code) {
    case InvitationErrorCode.INVALID_INVITATION:
    case InvitationErrorCode.INVITATION_NOT_FOUND:
      return new NotFoundError('Invitation', reason);
    case InvitationErrorCode.INVITATION_EXPIRED:
      return new ConflictError(error.message, reason);
    case InvitationErrorCode.ROLE_ABOVE_OWN:
      return new ForbiddenError(error.message, reason);
    case InvitationErrorCode.ALREADY_MEMBER:
    case InvitationErrorCode.ALREADY_INVITED:
      return new ConflictError(error.message, reason);
    case InvitationErrorCode.ACCOUNT_DETAILS_REQUIRED:
      return new BadUserInputError(error.message, reason);
    case InvitationErrorCode.SEAT_QUOTA_EXCEEDED:
      return new TenantryError(ErrorCode.QUOTA_EXCEEDED, error.message, {
        resource: 'users',
        limit: error.quota?.limit,
        used: error.quota?.used,
      });
  }
}
