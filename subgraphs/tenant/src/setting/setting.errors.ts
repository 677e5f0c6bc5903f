import { BadUserInputError, type TenantryError } from '@tenantry/errors';

export enum SettingErrorCode {
  UNKNOWN_SETTING = 'UNKNOWN_SETTING',
  INVALID_JSON = 'INVALID_JSON',
  INVALID_VALUE = 'INVALID_VALUE',
}

export class SettingDomainError extends Error {
  constructor(
    readonly code: SettingErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The one mapping onto public codes; a new SettingErrorCode fails to compile until mapped. */
export function toPublicSettingError(error: SettingDomainError): TenantryError {
  const details = { ...error.details, reason: error.code };
  switch (error.code) {
    case SettingErrorCode.UNKNOWN_SETTING:
    case SettingErrorCode.INVALID_JSON:
    case SettingErrorCode.INVALID_VALUE:
      return new BadUserInputError(error.message, details);
  }
}
