import { challengeName, challengeValue, normaliseDomain } from './domain.validation';

describe('custom domain names', () => {
  it('normalises case and a trailing dot', () => {
    expect(normaliseDomain(' App.Example.COM. ')).toBe('app.example.com');
  });

  it.each([
    'localhost',
    '127.0.0.1',
    'https://app.example.com',
    'app.example.com:443',
    '*.example.com',
    '-bad.example.com',
    'a..example.com',
    `${'a'.repeat(64)}.com`,
  ])('refuses %s', (input) => expect(() => normaliseDomain(input)).toThrow(expect.objectContaining({ code: 'INVALID_DOMAIN' })));

  it('puts the challenge under a fixed label with a fixed prefix', () => {
    expect(challengeName('app.example.com')).toBe('_tenantry-challenge.app.example.com');
    expect(challengeValue('abc')).toBe('tenantry-verification=abc');
  });
});
