import { hostName, tenantClaims, type HostRules } from './tenant-resolution';

const TENANT = '0b6f1c0e-4a4e-4a8e-9c1a-2f1f3c9d7e11';
const rules: HostRules = { baseDomain: 'tenants.example', customDomains: true, publicHosts: new Set(['api.tenants.example']) };

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    const extensions = (error as { extensions: { code: string; header?: string; http?: { status: number } } }).extensions;
    return { code: extensions.code, header: extensions.header, status: extensions.http?.status };
  }
  throw new Error('expected a refusal');
};

describe('hostName', () => {
  it.each([
    ['Acme.Tenants.Example:8443', 'acme.tenants.example'],
    ['acme.tenants.example.', 'acme.tenants.example'],
    ['127.0.0.1:4000', undefined],
    ['[::1]:4000', undefined],
    [undefined, undefined],
  ])('%s is %s', (header, expected) => {
    expect(hostName(header)).toBe(expected);
  });
});

describe('tenantClaims', () => {
  it('reads every source present, in order', () => {
    expect(tenantClaims({ 'x-tenant-id': TENANT, 'x-tenant-slug': 'acme', host: 'acme.tenants.example' }, rules)).toEqual([
      { source: 'X-Tenant-Id', tenantId: TENANT },
      { source: 'X-Tenant-Slug', address: { slug: 'acme' } },
      { source: 'Host', address: { slug: 'acme' } },
    ]);
  });

  it('takes any other domain-shaped host as a custom domain, and only when custom domains are on', () => {
    expect(tenantClaims({ host: 'login.acme.com' }, rules)).toEqual([{ source: 'Host', address: { domain: 'login.acme.com' } }]);
    expect(tenantClaims({ host: 'login.acme.com' }, { ...rules, customDomains: false })).toEqual([]);
  });

  it.each(['tenants.example', 'api.tenants.example', 'localhost:4000', '127.0.0.1:4000'])('%s names no tenant', (host) => {
    expect(tenantClaims({ host }, rules)).toEqual([]);
  });

  it('ignores subdomains when no base domain is configured', () => {
    expect(tenantClaims({ host: 'acme.tenants.example' }, { customDomains: false, publicHosts: new Set() })).toEqual([]);
  });

  it('refuses a malformed X-Tenant-Id as FORBIDDEN, as it always did', () => {
    expect(codeOf(() => tenantClaims({ 'x-tenant-id': 'acme' }, rules))).toEqual({ code: 'FORBIDDEN', header: 'X-Tenant-Id', status: 403 });
  });

  it.each([
    [{ 'x-tenant-slug': 'Acme' }, 'X-Tenant-Slug'],
    [{ 'x-tenant-slug': '-acme' }, 'X-Tenant-Slug'],
    [{ host: 'a.b.tenants.example' }, 'Host'],
    [{ host: '-x.tenants.example' }, 'Host'],
  ])('answers a malformed address %j as NOT_FOUND, as an unknown one', (headers, header) => {
    expect(codeOf(() => tenantClaims(headers, rules))).toEqual({ code: 'NOT_FOUND', header, status: 404 });
  });
});
