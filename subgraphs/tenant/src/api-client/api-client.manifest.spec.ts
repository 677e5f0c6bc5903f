import { createHash } from 'node:crypto';
import { ApiClientDomainError, ApiClientErrorCode } from './api-client.errors';
import { validateClientName, validateManifest, validateOperationLimits } from './api-client.manifest';

const op = (body: string, overrides: Record<string, unknown> = {}) => ({
  id: createHash('sha256').update(body).digest('hex'),
  name: /^(?:query|mutation) (\w+)/.exec(body)?.[1] ?? 'Anonymous',
  type: body.startsWith('mutation') ? 'mutation' : 'query',
  body,
  ...overrides,
});
const manifest = (...operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });

function failure(run: () => unknown): { code: ApiClientErrorCode; field: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiClientDomainError);
    const e = error as ApiClientDomainError;
    return { code: e.code, field: e.details.field };
  }
  throw new Error('expected a refusal');
}

describe('validateManifest', () => {
  it('accepts an Apollo manifest and folds repeated ids', () => {
    const me = op('query Me { me { id } }');
    expect(validateManifest(manifest(me, me, op('mutation Leave { leaveTenant }')))).toHaveLength(2);
  });

  it('refuses an id that is not the SHA-256 of the body, naming the operation and the expected id', () => {
    const me = op('query Me { me { id } }');
    const bad = { ...op('query Other { me { email } }'), id: me.id };
    expect(failure(() => validateManifest(manifest(me, bad)))).toEqual({
      code: ApiClientErrorCode.PERSISTED_QUERY_ID_MISMATCH,
      field: 'manifest.operations[1].id',
    });
  });

  it.each([
    ['a wrong format', { ...manifest(), format: 'relay' }, 'manifest.format'],
    ['a wrong version', { ...manifest(), version: 2 }, 'manifest.version'],
    ['a body that does not parse', manifest(op('query Broken { me {')), 'manifest.operations[0].body'],
    [
      'two operations in one body',
      manifest(op('query A { me { id } } query B { me { id } }', { name: 'A' })),
      'manifest.operations[0].body',
    ],
    ['a type that does not match', manifest(op('query Me { me { id } }', { type: 'mutation' })), 'manifest.operations[0].type'],
    ['a name that does not match', manifest(op('query Me { me { id } }', { name: 'You' })), 'manifest.operations[0].name'],
    ['an upper-case id', manifest({ ...op('query Me { me { id } }'), id: 'A'.repeat(64) }), 'manifest.operations[0].id'],
  ])('refuses %s', (_what, input, field) => {
    expect(failure(() => validateManifest(input))).toEqual({ code: ApiClientErrorCode.INVALID_MANIFEST, field });
  });
});

describe('client names and limits', () => {
  it('accepts lower-case names with dots, dashes and underscores only', () => {
    expect(validateClientName('partner.acme-v2_ios')).toBe('partner.acme-v2_ios');
    expect(failure(() => validateClientName('Acme')).code).toBe(ApiClientErrorCode.INVALID_CLIENT_NAME);
    expect(failure(() => validateClientName('-acme')).code).toBe(ApiClientErrorCode.INVALID_CLIENT_NAME);
  });

  it('accepts known limits as integers and drops nulls', () => {
    expect(validateOperationLimits({ maxDepth: 4, maxAliases: 0, maxCost: null })).toEqual({ maxDepth: 4, maxAliases: 0 });
    expect(failure(() => validateOperationLimits({ maxDepth: 0 })).field).toBe('operationLimits.maxDepth');
    expect(failure(() => validateOperationLimits({ maxFun: 3 })).field).toBe('operationLimits.maxFun');
  });
});
