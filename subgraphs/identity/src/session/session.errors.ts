import { ForbiddenError, NotFoundError, UnauthenticatedError, type TenantryError } from '@tenantry/errors';

export enum SessionErrorCode {
  /** Unknown, malformed, expired or revoked: one answer for all, nothing to probe. */
  INVALID_REFRESH_TOKEN = 'INVALID_REFRESH_TOKEN',
  /** A rotated token came back: its whole session was revoked. */
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  /** The session's tenant no longer counts the user as a member: session revoked. */
  MEMBERSHIP_ENDED = 'MEMBERSHIP_ENDED',
  NOT_A_MEMBER = 'NOT_A_MEMBER',
  SESSION_NOT_FOUND = 'SESSION_NOT_FOUND',
}

export class SessionDomainError extends Error {
  constructor(readonly code: SessionErrorCode) {
    super(code);
  }
}

export function toPublicSessionError(error: SessionDomainError): TenantryError {
  switch (error.code) {
    case SessionErrorCode.INVALID_REFRESH_TOKEN:
    case SessionErrorCode.REFRESH_TOKEN_REUSED:
    case SessionErrorCode.MEMBERSHIP_ENDED: {
      // The reason is the caller's own business (their token), and helps a client react.
      const publicError = new UnauthenticatedError('Invalid, expired or revoked refresh token');
      (publicError.extensions as Record<string, unknown>).reason = error.code;
      return publicError;
    }
    case SessionErrorCode.NOT_A_MEMBER:
      return new ForbiddenError('You are not a member of that tenant', { reason: error.code });
    case SessionErrorCode.SESSION_NOT_FOUND:
      return new NotFoundError('Session', { reason: error.code });
  }
}
