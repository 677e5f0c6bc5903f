import { createHash } from 'node:crypto';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { ApiClientDomainError, ApiClientErrorCode } from './api-client.errors';

export const PQ_MODES = ['off', 'audit', 'enforce'] as const;
export type PqMode = (typeof PQ_MODES)[number];

export const OPERATION_LIMIT_KEYS = [
  'maxDepth',
  'maxAliases',
  'maxRootFields',
  'maxDirectives',
  'maxCost',
  'maxTokens',
  'maxCharacters',
  'maxSelectionFields',
] as const;
export type OperationLimitOverrides = Partial<Record<(typeof OPERATION_LIMIT_KEYS)[number], number>>;

export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

const CLIENT_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
export const MAX_OPERATIONS = 10_000;
export const MAX_BODY_CHARACTERS = 100_000;

export function validateClientName(name: string): string {
  if (!CLIENT_NAME.test(name)) {
    throw new ApiClientDomainError(
      ApiClientErrorCode.INVALID_CLIENT_NAME,
      'Client name must be 1 to 64 characters: lower-case letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
      { field: 'client' },
    );
  }
  return name;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function invalid(message: string, field: string): never {
  throw new ApiClientDomainError(ApiClientErrorCode.INVALID_MANIFEST, message, { field });
}

/**
 * Checks a manifest in Apollo's persisted query manifest format completely before anything is
 * stored: the envelope, each operation's shape, that its id is the SHA-256 (hex) of its body
 * exactly as written, and that the body is one operation of the stated type and name. Returns
 * the operations with duplicates (same id) folded. The first problem found is the error.
 */
export function validateManifest(input: unknown): PersistedOperation[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) invalid('The manifest must be a JSON object', 'manifest');
  const manifest = input as Record<string, unknown>;
  if (manifest.format !== 'apollo-persisted-query-manifest') invalid('format must be "apollo-persisted-query-manifest"', 'manifest.format');
  if (manifest.version !== 1) invalid('version must be 1', 'manifest.version');
  if (!Array.isArray(manifest.operations)) invalid('operations must be a list', 'manifest.operations');
  const operations = manifest.operations as unknown[];
  if (operations.length > MAX_OPERATIONS) invalid(`A manifest holds at most ${MAX_OPERATIONS} operations`, 'manifest.operations');
  const byId = new Map<string, PersistedOperation>();
  operations.forEach((raw, index) => {
    const field = `manifest.operations[${index}]`;
    if (typeof raw !== 'object' || raw === null) invalid('Each operation must be an object', field);
    const { id, name, type, body } = raw as Record<string, unknown>;
    if (typeof id !== 'string' || !SHA256_HEX.test(id)) invalid('id must be 64 lower-case hex characters (SHA-256)', `${field}.id`);
    if (typeof body !== 'string' || body.length === 0 || body.length > MAX_BODY_CHARACTERS) {
      invalid(`body must be a GraphQL document of 1 to ${MAX_BODY_CHARACTERS} characters`, `${field}.body`);
    }
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) invalid('name must be 1 to 200 characters', `${field}.name`);
    if (type !== 'query' && type !== 'mutation' && type !== 'subscription') {
      invalid('type must be query, mutation or subscription', `${field}.type`);
    }
    const actual = sha256Hex(body);
    if (actual !== id) {
      throw new ApiClientDomainError(
        ApiClientErrorCode.PERSISTED_QUERY_ID_MISMATCH,
        `Operation ${name} (${field}): id is not the SHA-256 of its body`,
        { field: `${field}.id`, id, expected: actual },
      );
    }
    const operation = singleOperation(body, `${field}.body`);
    if (operation.operation !== type) invalid(`body is a ${operation.operation}, the manifest says ${type}`, `${field}.type`);
    if (operation.name?.value !== name)
      invalid(`body names the operation ${operation.name?.value ?? '(anonymous)'}, the manifest says ${name}`, `${field}.name`);
    byId.set(id, { id, name, type, body });
  });
  return [...byId.values()];
}

function singleOperation(body: string, field: string): OperationDefinitionNode {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(body, { maxTokens: 50_000 }).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
  } catch (error) {
    invalid(`body is not a GraphQL document: ${(error as Error).message}`, field);
  }
  if (operations.length !== 1) invalid('body must hold exactly one operation (plus its fragments)', field);
  return operations[0]!;
}

/** Per-client limit overrides: known names, positive integers; an empty object clears them. */
export function validateOperationLimits(input: unknown): OperationLimitOverrides {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ApiClientDomainError(ApiClientErrorCode.INVALID_OPERATION_LIMITS, 'Operation limits must be an object', {
      field: 'operationLimits',
    });
  }
  const limits: OperationLimitOverrides = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (!(OPERATION_LIMIT_KEYS as readonly string[]).includes(key)) {
      throw new ApiClientDomainError(
        ApiClientErrorCode.INVALID_OPERATION_LIMITS,
        `Unknown operation limit ${key}: use ${OPERATION_LIMIT_KEYS.join(', ')}`,
        { field: `operationLimits.${key}` },
      );
    }
    const min = key === 'maxAliases' || key === 'maxDirectives' ? 0 : 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 10_000_000) {
      throw new ApiClientDomainError(ApiClientErrorCode.INVALID_OPERATION_LIMITS, `${key} must be an integer of at least ${min}`, {
        field: `operationLimits.${key}`,
      });
    }
    limits[key as keyof OperationLimitOverrides] = value;
  }
  return limits;
}
