import { TenantDomainError, TenantErrorCode } from './tenant.errors';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+[1-9][0-9]{6,14}$/;
const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export function validateSlug(slug: string): string {
  if (!SLUG.test(slug)) {
    throw new TenantDomainError(
      TenantErrorCode.INVALID_SLUG,
      'Slug must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash',
    );
  }
  return slug;
}

export function validateName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 200) {
    throw new TenantDomainError(TenantErrorCode.INVALID_NAME, 'Name must be 1 to 200 characters');
  }
  return trimmed;
}

/** Emails are stored lower-case; null clears. */
export function validateEmail(field: string, email: string | null): string | null {
  if (email === null) return null;
  const normalised = email.trim().toLowerCase();
  if (normalised.length > 254 || !EMAIL.test(normalised)) {
    throw new TenantDomainError(TenantErrorCode.INVALID_EMAIL, `${field} must be an email address`, { field });
  }
  return normalised;
}

export function validatePhone(phone: string | null): string | null {
  if (phone === null) return null;
  const compact = phone.replace(/[\s().-]/g, '');
  if (!PHONE.test(compact)) {
    throw new TenantDomainError(TenantErrorCode.INVALID_PHONE, 'phone must be in E.164 form, e.g. +442071234567', { field: 'phone' });
  }
  return compact;
}

/** An IANA zone name the runtime knows (Intl rejects anything else). */
export function validateTimezone(timezone: string): string {
  try {
    if (timezone.length > 64) throw new RangeError();
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return timezone;
  } catch {
    throw new TenantDomainError(TenantErrorCode.INVALID_TIMEZONE, 'timezone must be an IANA time zone, e.g. Europe/London', {
      field: 'timezone',
    });
  }
}

/** A language(-REGION) tag in canonical form, e.g. en-GB. */
export function validateLocale(locale: string): string {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(locale)[0];
  } catch {
    canonical = undefined;
  }
  if (!canonical || !LOCALE.test(canonical)) {
    throw new TenantDomainError(TenantErrorCode.INVALID_LOCALE, 'locale must be a language tag like en or en-GB', { field: 'locale' });
  }
  return canonical;
}
