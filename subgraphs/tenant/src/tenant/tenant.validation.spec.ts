import { validateEmail, validateLocale, validatePhone, validateSlug, validateTimezone } from './tenant.validation';

const refusedWith = (code: string) => expect.objectContaining({ code });

describe('tenant profile validation', () => {
  it('normalises emails to lower case and refuses non-addresses', () => {
    expect(validateEmail('adminEmail', ' Ops@Acme.Example ')).toBe('ops@acme.example');
    expect(validateEmail('adminEmail', null)).toBeNull();
    expect(() => validateEmail('adminEmail', 'not-an-email')).toThrow(refusedWith('INVALID_EMAIL'));
  });

  it('accepts E.164 phones written with spaces and refuses local numbers', () => {
    expect(validatePhone('+44 20 7123 4567')).toBe('+442071234567');
    expect(() => validatePhone('020 7123 4567')).toThrow(refusedWith('INVALID_PHONE'));
  });

  it('accepts IANA zones and refuses made-up ones', () => {
    expect(validateTimezone('Europe/London')).toBe('Europe/London');
    expect(validateTimezone('UTC')).toBe('UTC');
    expect(() => validateTimezone('Mars/Olympus')).toThrow(refusedWith('INVALID_TIMEZONE'));
  });

  it('canonicalises locales and refuses garbage', () => {
    expect(validateLocale('en-gb')).toBe('en-GB');
    expect(validateLocale('fr')).toBe('fr');
    expect(() => validateLocale('english please')).toThrow(refusedWith('INVALID_LOCALE'));
  });

  it('refuses slugs with upper case or edge dashes', () => {
    expect(validateSlug('acme-eu')).toBe('acme-eu');
    expect(() => validateSlug('-acme')).toThrow(refusedWith('INVALID_SLUG'));
    expect(() => validateSlug('Acme')).toThrow(refusedWith('INVALID_SLUG'));
  });
});
