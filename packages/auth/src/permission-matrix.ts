import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, or } from 'graphql-shield';
import { isApiKeyScope } from './api-key';
import { isPlatformRole, isTenantRole, roleAtLeast, type Principal } from './principal';
import { allow, hasFeature, hasRole, hasScope, isAuthenticated, isPlatformAdmin, isPlatformStaff, isSelf, type ShieldRule } from './rules';

export const PERMISSIONS_PATH = path.resolve(__dirname, '../../../config/permissions.json');

/**
 * Who may run an operation (or read a field): any one of `allow` (in the order given, which
 * decides the error a refused caller sees), and, when `feature` is set, only if the tenant's
 * plan includes it. Grants: `anyone`, `authenticated` (a signed-in person),
 * `role:<viewer|member|manager|admin|owner>`, `scope:<api key scope>`, `staff` (any platform
 * role), `staff:platform_admin`, `feature:<code>` (the tenant's plan has it), and, on fields of
 * returned types only, `self` (the object is the caller's own User, or carries their id).
 */
export interface PermissionEntry {
  allow: string[];
  feature?: string;
  note?: string;
}

/**
 * The rule of a returned type: either one entry for all its fields (`allow`...), or `fields`
 * naming every field, when any field needs a rule of its own (ADR 0028).
 */
export type TypePermission = PermissionEntry | { fields: Record<string, PermissionEntry>; note?: string };

export interface PermissionMatrix {
  /** `Query.<field>` / `Mutation.<field>` for every root field of the supergraph. */
  operations: Record<string, PermissionEntry>;
  /** Every other object type of the supergraph, by name (optional so older files still load). */
  types?: Record<string, TypePermission>;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function loadPermissionMatrix(file = PERMISSIONS_PATH): PermissionMatrix {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as PermissionMatrix;
  const problems: string[] = [];
  const checkEntry = (where: string, entry: PermissionEntry, onType: boolean) => {
    if (!Array.isArray(entry.allow) || entry.allow.length === 0) problems.push(`${where}: allow must list at least one grant`);
    for (const grant of entry.allow ?? []) {
      if (!isGrant(grant)) problems.push(`${where}: unknown grant ${grant}`);
      else if (grant === 'self' && !onType) problems.push(`${where}: self applies to fields of returned types only`);
    }
  };
  for (const [operation, entry] of Object.entries(raw.operations ?? {})) {
    if (!/^(Query|Mutation)\.[_A-Za-z][_0-9A-Za-z]*$/.test(operation)) problems.push(`${operation}: not Query.<field> or Mutation.<field>`);
    checkEntry(operation, entry, false);
  }
  for (const [type, permission] of Object.entries(raw.types ?? {})) {
    if (!NAME.test(type) || type === 'Query' || type === 'Mutation') problems.push(`types.${type}: not an object type name`);
    if ('fields' in permission) {
      if ('allow' in permission) problems.push(`types.${type}: either allow (the whole type) or fields (every field), not both`);
      for (const [field, entry] of Object.entries(permission.fields)) {
        if (!NAME.test(field)) problems.push(`types.${type}.${field}: not a field name`);
        checkEntry(`types.${type}.${field}`, entry, true);
      }
    } else checkEntry(`types.${type}`, permission, true);
  }
  if (problems.length) throw new Error(`Invalid permission matrix ${file}:\n  - ${problems.join('\n  - ')}`);
  return raw;
}

function isGrant(grant: string): boolean {
  if (grant === 'anyone' || grant === 'authenticated' || grant === 'staff' || grant === 'self') return true;
  const [kind, value] = [grant.slice(0, grant.indexOf(':')), grant.slice(grant.indexOf(':') + 1)];
  if (kind === 'role') return isTenantRole(value);
  if (kind === 'scope') return isApiKeyScope(value);
  if (kind === 'staff') return isPlatformRole(value);
  if (kind === 'feature') return NAME.test(value);
  return false;
}

/**
 * How graphql-shield caches a grant's decision within one request, and why (docs/permissions.md).
 * Only `self` reads the parent object; every other grant reads the request context alone.
 */
export function grantCacheMode(grant: string): { mode: 'none' | 'contextual' | 'no_cache'; why: string } {
  if (grant === 'anyone') return { mode: 'none', why: 'always allows; nothing to decide' };
  if (grant === 'self')
    return { mode: 'no_cache', why: 'reads the parent object: a name-keyed cache would let one list item decide for the next' };
  return { mode: 'contextual', why: 'reads only the request context: one decision per request is exact' };
}

function grantRule(grant: string): ShieldRule {
  if (grant === 'anyone') return allow;
  if (grant === 'self') return isSelf;
  if (grant.startsWith('feature:')) return hasFeature(grant.slice(8));
  if (grant === 'authenticated') return isAuthenticated;
  if (grant === 'staff') return isPlatformStaff;
  if (grant === 'staff:platform_admin') return isPlatformAdmin;
  if (grant === 'staff:support') return isPlatformStaff;
  if (grant.startsWith('role:')) return hasRole(grant.slice(5) as never);
  if (grant.startsWith('scope:')) return hasScope(grant.slice(6) as never);
  throw new Error(`unknown grant ${grant}`);
}

/** The graphql-shield rule an entry stands for. */
export function ruleForEntry(entry: PermissionEntry): ShieldRule {
  const alternatives = entry.allow.map(grantRule);
  const who = alternatives.length === 1 ? alternatives[0]! : or(...alternatives);
  return entry.feature ? and(who, hasFeature(entry.feature)) : who;
}

/**
 * Root-field rules for one subgraph from the matrix. A root field without an entry is an error
 * at start-up: nothing reaches production unreviewed.
 */
export function rootRulesFromMatrix(matrix: PermissionMatrix, rootFields: { Query: string[]; Mutation: string[] }) {
  const missing: string[] = [];
  const tree: Record<'Query' | 'Mutation', Record<string, ShieldRule>> = { Query: {}, Mutation: {} };
  for (const type of ['Query', 'Mutation'] as const) {
    for (const field of rootFields[type]) {
      const entry = matrix.operations[`${type}.${field}`];
      if (!entry) missing.push(`${type}.${field}`);
      else tree[type][field] = ruleForEntry(entry);
    }
  }
  if (missing.length) throw new Error(`No entry in config/permissions.json for: ${missing.join(', ')}`);
  return tree;
}

/**
 * Rules for the returned types one subgraph serves (`types`: type name -> its fields there).
 * A type without an entry, or a field of a field-by-field type without one, is an error at
 * start-up, like a root field without an entry.
 */
export function typeRulesFromMatrix(matrix: PermissionMatrix, types: Record<string, string[]>) {
  const missing: string[] = [];
  const tree: Record<string, ShieldRule | Record<string, ShieldRule>> = {};
  for (const [type, fields] of Object.entries(types)) {
    const permission = matrix.types?.[type];
    if (!permission) missing.push(type);
    else if (!('fields' in permission)) tree[type] = ruleForEntry(permission);
    else {
      const rules: Record<string, ShieldRule> = {};
      for (const field of fields) {
        const entry = permission.fields[field];
        if (!entry) missing.push(`${type}.${field}`);
        else rules[field] = ruleForEntry(entry);
      }
      tree[type] = rules;
    }
  }
  if (missing.length) throw new Error(`No entry in config/permissions.json "types" for: ${missing.join(', ')}`);
  return tree;
}

/** The entry that decides `Type.field` of a returned type, if the matrix has one. */
export function fieldEntry(matrix: PermissionMatrix, type: string, field: string): PermissionEntry | undefined {
  const permission = matrix.types?.[type];
  if (!permission) return undefined;
  return 'fields' in permission ? permission.fields[field] : permission;
}

/** What a caller is, for deciding an entry without running it (tests, docs). */
export interface Subject {
  principal: Principal;
  hasTenant: boolean;
  features: ReadonlySet<string>;
  /** Whether the object being read belongs to the caller (for `self`); false when unknown. */
  owns?: boolean;
}

/** Whether `subject` passes `entry`: the same logic as the rules, without a request. */
export function allows(entry: PermissionEntry, subject: Subject): boolean {
  const p = subject.principal;
  const grantPasses = (grant: string): boolean => {
    if (grant === 'anyone') return true;
    if (grant === 'self') return p.kind === 'user' && subject.owns === true;
    if (grant.startsWith('feature:')) return subject.hasTenant && p.kind !== 'anonymous' && subject.features.has(grant.slice(8));
    if (grant === 'authenticated') return p.kind === 'user';
    if (grant === 'staff') return p.kind === 'user' && p.platformRole !== undefined;
    if (grant === 'staff:platform_admin') return p.kind === 'user' && p.platformRole === 'platform_admin';
    if (grant === 'staff:support') return p.kind === 'user' && p.platformRole !== undefined;
    if (grant.startsWith('role:')) return subject.hasTenant && p.kind === 'user' && roleAtLeast(p.role, grant.slice(5) as never);
    if (grant.startsWith('scope:')) return subject.hasTenant && p.kind === 'api_key' && p.scopes.includes(grant.slice(6));
    return false;
  };
  const who = entry.allow.some(grantPasses);
  return who && (!entry.feature || (subject.hasTenant && p.kind !== 'anonymous' && subject.features.has(entry.feature)));
}

/** Grants that make a query sensitive when they are all an entry allows (ADR 0022). */
const SENSITIVE_GRANTS = new Set(['role:admin', 'role:owner', 'staff', 'staff:support', 'staff:platform_admin', 'scope:audit:read']);

/**
 * Whether a refusal of `operation` is audited (`authz.denied`): every mutation, and the
 * queries that read what only administrators or staff may see — the audit trail itself (the
 * `audit_logs` feature) and any query allowed to nobody below tenant admin or platform staff.
 */
export function deniesAreAudited(operation: string, entry: PermissionEntry): boolean {
  if (operation.startsWith('Mutation.')) return true;
  if (entry.feature === 'audit_logs') return true;
  return entry.allow.every((grant) => SENSITIVE_GRANTS.has(grant));
}
