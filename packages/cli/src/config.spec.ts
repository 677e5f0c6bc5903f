import { randomBytes } from 'node:crypto';
import { generateSigningJwk } from '@tenantry/auth';
import { ConfigError } from '@tenantry/config';
import { loadCliConfig } from './config';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe('loadCliConfig', () => {
  it('starts on embedded defaults outside production', () => {
    const config = loadCliConfig({});
    expect(config.production).toBe(false);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.CONTEXT_SIGNING_KEY).toBeUndefined();
  });

  it('in production, names DATABASE_URL and every key at once when they are missing', () => {
    const problems = problemsOf(() => loadCliConfig({ NODE_ENV: 'production' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ACCESS_TOKEN_SIGNING_KEY',
      'AUDIT_SIGNING_KEY',
      'CONTEXT_SIGNING_KEY',
      'CONTEXT_VERIFY_KEY',
      'DATABASE_URL',
      'MASTER_KEY',
    ]);
    for (const problem of problems) expect(problem).toContain('required when NODE_ENV=production');
  });

  it('in production, names only what is still missing', async () => {
    const context = await generateSigningJwk();
    const problems = problemsOf(() =>
      loadCliConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://app:pw@db:5432/tenantry',
        CONTEXT_SIGNING_KEY: JSON.stringify(context.privateJwk),
        CONTEXT_VERIFY_KEY: JSON.stringify(context.publicJwk),
        MASTER_KEY: randomBytes(32).toString('base64'),
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^ACCESS_TOKEN_SIGNING_KEY: required when NODE_ENV=production/),
      expect.stringMatching(/^AUDIT_SIGNING_KEY: required when NODE_ENV=production/),
    ]);
  });

  it('in production, loads when the database and every key are given', async () => {
    const context = await generateSigningJwk();
    const access = await generateSigningJwk();
    const audit = await generateSigningJwk();
    const config = loadCliConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app:pw@db:5432/tenantry',
      CONTEXT_SIGNING_KEY: JSON.stringify(context.privateJwk),
      CONTEXT_VERIFY_KEY: JSON.stringify(context.publicJwk),
      ACCESS_TOKEN_SIGNING_KEY: JSON.stringify(access.privateJwk),
      MASTER_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEY: JSON.stringify(audit.privateJwk),
    });
    expect(config.production).toBe(true);
  });

  it('refuses a MASTER_KEY that is not 32 bytes of base64, naming the variable', () => {
    const problems = problemsOf(() => loadCliConfig({ MASTER_KEY: randomBytes(16).toString('base64') }));
    expect(problems).toEqual([expect.stringMatching(/^MASTER_KEY: must be 32 bytes, base64-encoded/)]);
  });

  it('refuses a malformed DATABASE_URL without showing it', () => {
    const problems = problemsOf(() => loadCliConfig({ DATABASE_URL: 'mysql://root:topsecret@db/app' }));
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: .*value hidden/)]);
    expect(problems.join('\n')).not.toContain('topsecret');
  });
});
