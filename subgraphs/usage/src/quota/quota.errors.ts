import { BadUserInputError, ErrorCode, TenantryError } from '@tenantry/errors';

export enum QuotaErrorCode {
  UNKNOWN_RESOURCE = 'UNKNOWN_RESOURCE',
  INVALID_AMOUNT = 'INVALID_AMOUNT',
  QUOTA_EXCEEDED = 'QUOTA_EXCEEDED',
}

export interface QuotaRefusal {
  resource: string;
  limit: number;
  used: number;
  requested: number;
  resetsAt: Date | null;
}

export class QuotaDomainError extends Error {
  constructor(
    readonly code: QuotaErrorCode,
    message: string,
    readonly refusal?: QuotaRefusal,
  ) {
    super(message);
  }
}

export function toPublicError(error: QuotaDomainError): TenantryError {
  switch (error.code) {
    case QuotaErrorCode.UNKNOWN_RESOURCE:
      return new BadUserInputError(error.message, { field: 'resource', reason: error.code });
    case QuotaErrorCode.INVALID_AMOUNT:
      return new BadUserInputError(error.message, { field: 'amount', reason: error.code });
    case QuotaErrorCode.QUOTA_EXCEEDED: {
      const r = error.refusal!;
      return new TenantryError(ErrorCode.QUOTA_EXCEEDED, error.message, {
        resource: r.resource,
        limit: r.limit,
        used: r.used,
        requested: r.requested,
        resetsAt: r.resetsAt?.toISOString() ?? null,
      });
    }
  }
}
