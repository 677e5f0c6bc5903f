import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import * as vars from './variables';

const shape = {
  NODE_ENV: vars.nodeEnv,
  PORT: vars.port(4000),
  DATABASE_URL: vars.postgresUrl,
  CONTEXT_SIGNING_KEY: vars.jwkJson,
  API_SECRET: z.string().min(64),
  LOG_LEVEL: vars.logLevel,
};

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied when every variable is valid', () => {
    const config = loadConfig(shape, {
      DATABASE_URL: 'postgres://app:pw@db:5432/tenantry',
      CONTEXT_SIGNING_KEY: '{"kty":"OKP"}',
      API_SECRET: 'x'.repeat(64),
      PORT: '4100',
    });
    expect(config).toEqual({
      NODE_ENV: 'development',
      PORT: 4100,
      DATABASE_URL: 'postgres://app:pw@db:5432/tenantry',
      CONTEXT_SIGNING_KEY: '{"kty":"OKP"}',
      API_SECRET: 'x'.repeat(64),
      LOG_LEVEL: 'info',
    });
  });

  it('names every bad or missing variable at once, one problem each', () => {
    const problems = problemsOf(() => loadConfig(shape, { NODE_ENV: 'staging', PORT: 'eighty', LOG_LEVEL: 'loud', API_SECRET: 'short' }));
    const named = problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['API_SECRET', 'CONTEXT_SIGNING_KEY', 'DATABASE_URL', 'LOG_LEVEL', 'NODE_ENV', 'PORT']);
  });

  it('puts every problem in the error message too, each naming its variable', () => {
    let message = '';
    try {
      loadConfig(shape, { PORT: '99999' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Invalid configuration');
    for (const variable of ['PORT', 'DATABASE_URL', 'CONTEXT_SIGNING_KEY', 'API_SECRET']) expect(message).toContain(variable);
  });

  it('says a missing variable is not set', () => {
    const problems = problemsOf(() => loadConfig({ DATABASE_URL: vars.postgresUrl }, {}));
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: .*\(not set\)$/)]);
  });

  it('treats an empty variable as not set, so the default applies', () => {
    expect(loadConfig({ PORT: vars.port(4000) }, { PORT: '' })).toEqual({ PORT: 4000 });
    expect(problemsOf(() => loadConfig({ DATABASE_URL: vars.postgresUrl }, { DATABASE_URL: '' }))).toEqual([
      expect.stringContaining('(not set)'),
    ]);
  });

  it('shows a non-secret bad value so the operator can see what was given', () => {
    const problems = problemsOf(() => loadConfig({ PORT: vars.port(4000) }, { PORT: 'eighty' }));
    expect(problems).toEqual([expect.stringMatching(/^PORT: .*"eighty"/)]);
  });

  it('hides the values of secret variables (keys, secrets, passwords, tokens, database and redis URLs)', () => {
    const secrets = {
      CONTEXT_SIGNING_KEY: 'not-json-private-key-material',
      API_SECRET: 'leaked-secret',
      ADMIN_PASSWORD: 'hunter2-password',
      SERVICE_TOKEN: 'tok-123456',
      DATABASE_URL: 'mysql://root:topsecret@db/app',
      REDIS_URL: 'http://:redispass@cache:6379',
    };
    const problems = problemsOf(() =>
      loadConfig(
        {
          CONTEXT_SIGNING_KEY: vars.jwkJson,
          API_SECRET: z.string().min(64),
          ADMIN_PASSWORD: z.string().min(64),
          SERVICE_TOKEN: z.string().min(64),
          DATABASE_URL: vars.postgresUrl,
          REDIS_URL: vars.redisUrl,
        },
        secrets,
      ),
    );
    expect(problems).toHaveLength(6);
    const text = problems.join('\n');
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    expect(text).not.toContain('topsecret');
    expect(text).not.toContain('redispass');
    for (const problem of problems) expect(problem).toContain('value hidden');
  });
});
