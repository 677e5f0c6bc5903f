import { DomainDomainError, DomainErrorCode } from './domain.errors';

const HOSTNAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Where the proof lives, and what it must say. */
export const challengeName = (domain: string) => `_tenantry-challenge.${domain}`;
export const challengeValue = (token: string) => `tenantry-verification=${token}`;

/** A lower-case DNS name with at least two labels; IP addresses, ports, schemes and wildcards refused. */
export function normaliseDomain(input: string): string {
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (domain.length > 253 || !HOSTNAME.test(domain)) {
    throw new DomainDomainError(DomainErrorCode.INVALID_DOMAIN, 'domain must be a host name like app.example.com', { field: 'domain' });
  }
  return domain;
}
