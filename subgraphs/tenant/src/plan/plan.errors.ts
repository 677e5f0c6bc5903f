import { BadUserInputError, ErrorCode, ForbiddenError, NotFoundError, TenantryError } from '@tenantry/errors';

/** What can go wrong with plans, quotas and features, in this feature's own words. */
export enum PlanErrorCode {
  UNKNOWN_PLAN = 'UNKNOWN_PLAN',
  UNKNOWN_RESOURCE = 'UNKNOWN_RESOURCE',
  INVALID_FEATURE = 'INVALID_FEATURE',
  INVALID_LIMIT = 'INVALID_LIMIT',
  USAGE_EXCEEDS_PLAN = 'USAGE_EXCEEDS_PLAN',
  FORCE_NEEDS_STAFF = 'FORCE_NEEDS_STAFF',
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
}

export interface QuotaViolation {
  resource: string;
  limit: number;
  used: number;
}

export class PlanDomainError extends Error {
  constructor(
    readonly code: PlanErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new PlanErrorCode fails to compile until mapped. */
export function toPublicPlanError(error: PlanDomainError): TenantryError {
  const details = { ...error.details, reason: error.code };
  switch (error.code) {
    case PlanErrorCode.UNKNOWN_PLAN:
    case PlanErrorCode.UNKNOWN_RESOURCE:
    case PlanErrorCode.INVALID_FEATURE:
    case PlanErrorCode.INVALID_LIMIT:
      return new BadUserInputError(error.message, details);
    case PlanErrorCode.USAGE_EXCEEDS_PLAN:
      return new TenantryError(ErrorCode.QUOTA_EXCEEDED, error.message, details);
    case PlanErrorCode.FORCE_NEEDS_STAFF:
      return new ForbiddenError(error.message, details);
    case PlanErrorCode.TENANT_NOT_FOUND:
      return new NotFoundError('Tenant', details);
  }
}
