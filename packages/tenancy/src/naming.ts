import { BadUserInputError } from '@tenantry/errors';

/** Tenant ids are canonical lower-case UUIDs; nothing else names a schema or a role. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The group role every tenant role belongs to; RLS policies on shared tables name it. */
export const TENANT_GROUP_ROLE = 'tenantry_tenant';
export const PLATFORM_SCHEMA = 'platform';

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

export function assertTenantId(value: unknown): string {
  if (!isTenantId(value)) throw new BadUserInputError('Invalid tenant id', { field: 'tenantId' });
  return value;
}

/** `tenant_<32 hex>`: derived from the id alone, always a valid, short identifier. */
export function tenantSchemaName(tenantId: string): string {
  return `tenant_${assertTenantId(tenantId).replace(/-/g, '')}`;
}

/**
 * The database role a tenant's transactions run as (cluster-wide, so it carries the full id),
 * by the name it has while the tenant is active.
 */
export function tenantRoleName(tenantId: string): string {
  return `tenant_${assertTenantId(tenantId).replace(/-/g, '')}_rw`;
}

/**
 * The same role's name while the tenant is not active (trial, suspended, cancelled): a trigger
 * renames it with the status, so switching to the `_rw` name proves the tenant active (ADR 0029).
 */
export function tenantGatedRoleName(tenantId: string): string {
  return `tenant_${assertTenantId(tenantId).replace(/-/g, '')}_gated`;
}

/** Double-quotes an identifier that has already matched the strict pattern; refuses anything else. */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Refusing unsafe SQL identifier`);
  return `"${name}"`;
}
