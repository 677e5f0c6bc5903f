import { GraphQLError } from 'graphql';
import { maskError } from './mask-error';
import { ErrorCode } from './codes';
import { ForbiddenError } from './tenantry-error';

const correlationId = 'req-1234-abcd';

describe('maskError', () => {
  it('passes a public code through with its message and details, but without a stacktrace', () => {
    const { formatted, unexpected } = maskError(
      {
        message: 'Monthly api_calls quota reached',
        path: ['recordUsage'],
        extensions: { code: 'QUOTA_EXCEEDED', limit: 1000, used: 1000, resource: 'api_calls', stacktrace: ['Error: at x.ts:1'] },
      },
      correlationId,
    );
    expect(unexpected).toBe(false);
    expect(formatted).toEqual({
      message: 'Monthly api_calls quota reached',
      path: ['recordUsage'],
      extensions: { code: 'QUOTA_EXCEEDED', limit: 1000, used: 1000, resource: 'api_calls' },
    });
  });

  it('drops a legacy exception blob from a public error', () => {
    const { formatted } = maskError(
      { message: 'Not allowed', extensions: { code: 'FORBIDDEN', exception: { stacktrace: ['at secret.ts:9'] } } },
      correlationId,
    );
    expect(formatted.extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it.each(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR))('keeps the public code %s', (code) => {
    const { formatted, unexpected } = maskError({ message: 'm', extensions: { code } }, correlationId);
    expect(formatted.extensions?.code).toBe(code);
    expect(unexpected).toBe(false);
  });

  it('keeps a TenantryError as the client would see it, without its stack', () => {
    const error = new ForbiddenError('Requires role admin or higher', { role: 'admin' });
    const { formatted } = maskError(error.toJSON(), correlationId);
    expect(formatted).toEqual({ message: 'Requires role admin or higher', extensions: { code: 'FORBIDDEN', role: 'admin' } });
    expect(JSON.stringify(formatted)).not.toContain('stacktrace');
  });

  it('maps Apollo request codes (parse and validation failures) onto BAD_USER_INPUT', () => {
    for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']) {
      const { formatted } = maskError({ message: 'Syntax Error: Expected Name', extensions: { code } }, correlationId);
      expect(formatted).toEqual({ message: 'Syntax Error: Expected Name', extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it.each([
    ['an unknown code', { code: 'ECONNREFUSED', detail: 'connect 10.0.0.5:5432' }],
    ['no code', undefined],
    ['a non-string code', { code: 42 }],
    ['an already-internal error', { code: 'INTERNAL_SERVER_ERROR', sql: 'SELECT * FROM tenant_abc.secrets' }],
  ])('turns %s into INTERNAL_SERVER_ERROR with only the correlation id', (_label, extensions) => {
    const leaky = 'relation "tenant_3f2a6c1e9b7d4c2a8e1f0a1b2c3d4e5f.members" does not exist';
    const { formatted, unexpected } = maskError(
      { message: leaky, locations: [{ line: 1, column: 3 }], path: ['members'], ...(extensions ? { extensions } : {}) },
      correlationId,
    );
    expect(unexpected).toBe(true);
    expect(formatted).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['members'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
    });
    expect(JSON.stringify(formatted)).not.toContain('tenant_3f2a6c1e');
  });

  it('never leaks the message or stack of a thrown error that escaped a resolver', () => {
    const raw = new GraphQLError('duplicate key value violates unique constraint "users_pkey"', {
      extensions: { stacktrace: ['Error: duplicate key', '    at Parser.parseErrorMessage (pg-protocol/parser.js:1)'] },
    });
    const { formatted } = maskError(raw.toJSON(), correlationId);
    const shown = JSON.stringify(formatted);
    expect(shown).not.toContain('duplicate key');
    expect(shown).not.toContain('pg-protocol');
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId });
  });
});
