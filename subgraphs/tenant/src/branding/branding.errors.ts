import { BadUserInputError, type TenantryError } from '@tenantry/errors';

export enum BrandingErrorCode {
  INVALID_LOGO_URL = 'INVALID_LOGO_URL',
  INVALID_COLOR = 'INVALID_COLOR',
  CSS_TOO_LARGE = 'CSS_TOO_LARGE',
  CSS_NOT_ALLOWED = 'CSS_NOT_ALLOWED',
}

export class BrandingDomainError extends Error {
  constructor(
    readonly code: BrandingErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new BrandingErrorCode fails to compile until mapped. */
export function toPublicBrandingError(error: BrandingDomainError): TenantryError {
  const details = { ...error.details, reason: error.code };
  switch (error.code) {
    case BrandingErrorCode.INVALID_LOGO_URL:
    case BrandingErrorCode.INVALID_COLOR:
    case BrandingErrorCode.CSS_TOO_LARGE:
    case BrandingErrorCode.CSS_NOT_ALLOWED:
      return new BadUserInputError(error.message, details);
  }
}
