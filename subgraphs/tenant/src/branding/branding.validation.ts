import { BrandingDomainError, BrandingErrorCode } from './branding.errors';

export const MAX_CSS_BYTES = 10 * 1024;
const HEX = /^#[0-9a-fA-F]{6}$/;
/** Ways CSS escapes its box: closing the style element, pulling other sheets or scripts in. */
const CSS_FORBIDDEN = [/<\//, /@import/i, /expression\s*\(/i, /javascript:/i, /url\s*\(\s*(?!['"]?https:)/i, /\\/];

export function validateLogoUrl(value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BrandingDomainError(BrandingErrorCode.INVALID_LOGO_URL, 'logoUrl must be an https URL', { field: 'logoUrl' });
  }
  if (url.protocol !== 'https:' || url.username || url.password || value.length > 2048) {
    throw new BrandingDomainError(BrandingErrorCode.INVALID_LOGO_URL, 'logoUrl must be an https URL without credentials', {
      field: 'logoUrl',
    });
  }
  return url.toString();
}

/** #rrggbb, stored lower-case. */
export function validateColor(field: string, value: string | null): string | null {
  if (value === null) return null;
  if (!HEX.test(value))
    throw new BrandingDomainError(BrandingErrorCode.INVALID_COLOR, `${field} must be a hex colour like #1a2b3c`, { field });
  return value.toLowerCase();
}

export function validateCss(value: string | null): string | null {
  if (value === null) return null;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_CSS_BYTES) {
    throw new BrandingDomainError(BrandingErrorCode.CSS_TOO_LARGE, `customCss is limited to ${MAX_CSS_BYTES} bytes`, {
      field: 'customCss',
      limit: MAX_CSS_BYTES,
      size: bytes,
    });
  }
  if (CSS_FORBIDDEN.some((pattern) => pattern.test(value))) {
    throw new BrandingDomainError(
      BrandingErrorCode.CSS_NOT_ALLOWED,
      'customCss may not close the style element, @import, use expression(), backslash escapes, or load non-https URLs',
      { field: 'customCss' },
    );
  }
  return value;
}
