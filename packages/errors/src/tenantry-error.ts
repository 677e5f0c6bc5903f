import { GraphQLError } from 'graphql';
import { ErrorCode } from './codes';

export type ErrorDetails = Record<string, unknown>;

/**
 * An expected failure with a code from the public list. Its message and details are safe to
 * show to the caller; anything else that escapes a resolver is masked (see maskError).
 */
export class TenantryError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message, { extensions: { ...details, code } });
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends TenantryError {
  constructor(message = 'Authentication is required') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends TenantryError {
  constructor(message = 'Not allowed', details: ErrorDetails = {}) {
    super(ErrorCode.FORBIDDEN, message, details);
  }
}

export class NotFoundError extends TenantryError {
  constructor(what: string, details: ErrorDetails = {}) {
    super(ErrorCode.NOT_FOUND, `${what} not found`, details);
  }
}

export class BadUserInputError extends TenantryError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, details);
  }
}

export class ConflictError extends TenantryError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(ErrorCode.CONFLICT, message, details);
  }
}

export class TenantSuspendedError extends TenantryError {
  constructor(message = 'This tenant is suspended: it can read but not write') {
    super(ErrorCode.TENANT_SUSPENDED, message);
  }
}
