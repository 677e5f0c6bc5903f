import { generateSigningJwk } from '@tenantry/auth';
import { ConfigError } from '@tenantry/config';
import { loadGatewayConfig } from './config';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe('loadGatewayConfig', () => {
  it('fails on an empty environment, naming CONTEXT_SIGNING_KEY', () => {
    const problems = problemsOf(() => loadGatewayConfig({}));
    expect(problems).toEqual([expect.stringMatching(/^CONTEXT_SIGNING_KEY: .*not set/)]);
  });

  it('refuses a signing key that is not a JWK, without echoing it', () => {
    const problems = problemsOf(() => loadGatewayConfig({ CONTEXT_SIGNING_KEY: 'private-key-material' }));
    expect(problems).toEqual([expect.stringMatching(/^CONTEXT_SIGNING_KEY: /)]);
    expect(problems.join('\n')).not.toContain('private-key-material');
  });

  it('names a bad persisted-query refresh interval or unbound client', () => {
    const problems = problemsOf(() => loadGatewayConfig({ PQ_REFRESH_SECONDS: '0', PQ_UNBOUND_CLIENT: 'Web App' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CONTEXT_SIGNING_KEY', 'PQ_REFRESH_SECONDS', 'PQ_UNBOUND_CLIENT']);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf(() => loadGatewayConfig({ PORT: 'x', TENANT_SUBGRAPH_URL: 'not a url', NODE_ENV: 'prod' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CONTEXT_SIGNING_KEY', 'NODE_ENV', 'PORT', 'TENANT_SUBGRAPH_URL']);
  });

  it('loads with only a signing key, defaulting to local subgraphs and development', async () => {
    const { privateJwk } = await generateSigningJwk();
    const config = loadGatewayConfig({ CONTEXT_SIGNING_KEY: JSON.stringify(privateJwk) });
    expect(config.production).toBe(false);
    expect(config.PORT).toBe(4000);
    expect(config.subgraphUrls).toEqual({
      tenant: 'http://127.0.0.1:4001/graphql',
      identity: 'http://127.0.0.1:4002/graphql',
      usage: 'http://127.0.0.1:4003/graphql',
      audit: 'http://127.0.0.1:4004/graphql',
    });
  });

  it('marks NODE_ENV=production as production', async () => {
    const { privateJwk } = await generateSigningJwk();
    expect(loadGatewayConfig({ NODE_ENV: 'production', CONTEXT_SIGNING_KEY: JSON.stringify(privateJwk) }).production).toBe(true);
  });

  it('resolves tenants by host only when asked to, and names a bad host setting', async () => {
    const { privateJwk } = await generateSigningJwk();
    const key = JSON.stringify(privateJwk);
    expect(loadGatewayConfig({ CONTEXT_SIGNING_KEY: key }).tenantHosts).toEqual({
      baseDomain: undefined,
      customDomains: false,
      publicHosts: new Set(),
    });
    expect(
      loadGatewayConfig({
        CONTEXT_SIGNING_KEY: key,
        TENANT_BASE_DOMAIN: 'Tenants.Example.',
        TENANT_CUSTOM_DOMAINS: 'true',
        TENANT_PUBLIC_HOSTS: 'api.tenants.example, Status.Tenants.Example',
      }).tenantHosts,
    ).toEqual({
      baseDomain: 'tenants.example',
      customDomains: true,
      publicHosts: new Set(['api.tenants.example', 'status.tenants.example']),
    });
    const problems = problemsOf(() =>
      loadGatewayConfig({
        CONTEXT_SIGNING_KEY: key,
        TENANT_BASE_DOMAIN: 'https://tenants.example',
        TENANT_PUBLIC_HOSTS: 'a b',
        TENANT_RESOLUTION_CACHE_SIZE: '-1',
      }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'TENANT_BASE_DOMAIN',
      'TENANT_PUBLIC_HOSTS',
      'TENANT_RESOLUTION_CACHE_SIZE',
    ]);
  });

  it('bounds the per-document caches at 30 MiB each unless told otherwise', async () => {
    const { privateJwk } = await generateSigningJwk();
    const config = loadGatewayConfig({ CONTEXT_SIGNING_KEY: JSON.stringify(privateJwk), QUERY_PLAN_CACHE_MIB: '8' });
    expect([config.QUERY_PLAN_CACHE_MIB, config.DOCUMENT_CACHE_MIB, config.APQ_MEMORY_CACHE_MIB]).toEqual([8, 30, 30]);
    expect(problemsOf(() => loadGatewayConfig({ CONTEXT_SIGNING_KEY: JSON.stringify(privateJwk), DOCUMENT_CACHE_MIB: '0' }))).toEqual([
      expect.stringMatching(/^DOCUMENT_CACHE_MIB: /),
    ]);
  });

  it('refuses several workers with in-memory rate-limit buckets, naming GATEWAY_WORKERS', async () => {
    const key = JSON.stringify((await generateSigningJwk()).privateJwk);
    expect(problemsOf(() => loadGatewayConfig({ CONTEXT_SIGNING_KEY: key, GATEWAY_WORKERS: '2' }))).toEqual([
      expect.stringMatching(/^GATEWAY_WORKERS: .*REDIS_URL/),
    ]);
    expect(loadGatewayConfig({ CONTEXT_SIGNING_KEY: key, GATEWAY_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' }).GATEWAY_WORKERS).toBe(
      2,
    );
    expect(loadGatewayConfig({ CONTEXT_SIGNING_KEY: key, GATEWAY_WORKERS: '2', RATE_LIMIT_ENABLED: 'false' }).GATEWAY_WORKERS).toBe(2);
  });
});
