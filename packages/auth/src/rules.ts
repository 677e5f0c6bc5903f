import { allow, and, deny, or, rule, shield } from 'graphql-shield';
import type { IRule, IRules } from 'graphql-shield';
import type { GraphQLResolveInfo } from 'graphql';
import { ErrorCode, ForbiddenError, TenantryError } from '@tenantry/errors';
import type { ApiKeyScope } from './api-key';
/** A rule or a combination (or/and) of rules: what a rule tree accepts. */
export type ShieldRule = IRule | ReturnType<typeof or>;
import { roleAtLeast, type Principal, type TenantRole } from './principal';

/** What every rule may read: established by the gateway, verified by the subgraph. */
export interface AuthContext {
  requestId: string;
  tenantId?: string;
  principal: Principal;
  clientIp?: string;
  /** The client's User-Agent as the gateway saw it (cut to 256 characters). */
  userAgent?: string;
  /**
   * The request tenant's effective features (plan + overrides), loaded at most once per
   * request by the subgraph's context (RequestDatabase.features); read by hasFeature (ADR 0007).
   */
  features?: () => Promise<ReadonlySet<string>>;
}

/** What a rule answers: true, or the error a refused caller sees. */
type Decision = true | Error;

/**
 * Cache modes (graphql-shield keys 'contextual' by rule name alone, 'strict' by name + a hash of
 * parent and args, 'no_cache' decides every time). A rule that reads only the request context is built
 * by contextRule: its callback cannot see parent or args, so one decision per request
 * ('contextual') is exact and can never leak from one list item to the next. A rule that reads
 * the parent (isSelf) uses 'no_cache': see ADR 0028.
 */
const contextOnlyRules = new WeakSet<object>();

function contextRule(name: string, decide: (ctx: AuthContext) => Decision | Promise<Decision>): IRule {
  const built = rule(name, { cache: 'contextual' })((_parent, _args, ctx: AuthContext) => decide(ctx));
  contextOnlyRules.add(built);
  return built;
}

/** Whether `candidate` was built by contextRule (reads nothing but the request context). */
export function readsOnlyContext(candidate: unknown): boolean {
  return typeof candidate === 'object' && candidate !== null && contextOnlyRules.has(candidate);
}

/**
 * A signed-in person. API keys are refused here: a key reaches only fields that name one of
 * its scopes (hasScope), so a new field is closed to partners until someone decides otherwise.
 */
export const isAuthenticated: IRule = contextRule('isAuthenticated', (ctx) => {
  if (ctx.principal.kind === 'anonymous') return unauthenticated('authenticated');
  return ctx.principal.kind === 'user' || denied('authenticated', 'API keys cannot use this operation');
});

/**
 * The property of a parent object that names the person it belongs to: a User is its own
 * owner; a Session or MfaEnrollment carries the id of the person it belongs to as `userId`.
 */
const OWNER_KEY: Record<string, string> = { User: 'id' };

/**
 * The field belongs to the caller: their own User, or an object carrying their id as `userId`.
 * Reads the parent, so it is never cached by name: with 'contextual' the first item of a list
 * (say, the caller's own User among the members) would decide for every other item.
 */
export const isSelf: IRule = rule('isSelf', { cache: 'no_cache' })((
  parent: Record<string, unknown> | null,
  _args,
  ctx: AuthContext,
  info: GraphQLResolveInfo,
) => {
  if (ctx.principal.kind === 'anonymous') return unauthenticated('self');
  const owner = parent?.[OWNER_KEY[info.parentType.name] ?? 'userId'];
  return (
    (ctx.principal.kind === 'user' && typeof owner === 'string' && owner === ctx.principal.userId) ||
    denied('self', 'Only the person it belongs to can see this')
  );
});

/**
 * Every denial a rule returns names the requirement it failed (`extensions.requirement`, a grant
 * from config/permissions.json): clients learn what is missing, and tests tell a permission
 * denial from a resolver's own FORBIDDEN.
 */
function denied(requirement: string, message: string): ForbiddenError {
  return markDenial(new ForbiddenError(message, { requirement }));
}

function unauthenticated(requirement: string): TenantryError {
  return markDenial(new TenantryError(ErrorCode.UNAUTHENTICATED, 'Authentication is required', { requirement }));
}

/** Marks an error as a permission rule's refusal (never set on a resolver's own errors). */
const PERMISSION_DENIAL = Symbol('tenantry.permissionDenial');

function markDenial<E extends TenantryError>(error: E): E {
  Object.defineProperty(error, PERMISSION_DENIAL, { value: true, enumerable: false });
  return error;
}

/**
 * Whether `error` is a permission rule's refusal of who the caller is (FORBIDDEN or
 * UNAUTHENTICATED with the requirement that failed): what the denial audit records. A
 * resolver's own FORBIDDEN and FEATURE_NOT_IN_PLAN (a plan limit, not an access attempt) are not.
 */
export function isPermissionDenial(error: unknown): error is TenantryError {
  return error instanceof TenantryError && (error as unknown as Record<symbol, unknown>)[PERMISSION_DENIAL] === true;
}

/** An API key holding `scope`, acting in its own tenant (the gateway sets the key's tenant). */
const scopeRules = new Map<string, IRule>();
export const hasScope = (scope: ApiKeyScope): IRule => {
  let existing = scopeRules.get(scope);
  if (!existing) {
    existing = contextRule(`hasScope:${scope}`, (ctx) => {
      if (ctx.principal.kind === 'anonymous') return unauthenticated(`scope:${scope}`);
      if (!ctx.tenantId) return denied(`scope:${scope}`, 'This operation needs a tenant context');
      return (
        (ctx.principal.kind === 'api_key' && ctx.principal.scopes.includes(scope)) || denied(`scope:${scope}`, `Requires scope ${scope}`)
      );
    });
    scopeRules.set(scope, existing);
  }
  return existing;
};

/** A user with at least `minimum` in the request's tenant (one rule instance per role). */
const roleRules = new Map<TenantRole, IRule>();
export const hasRole = (minimum: TenantRole): IRule => {
  let existing = roleRules.get(minimum);
  if (!existing) {
    existing = contextRule(`hasRole:${minimum}`, (ctx) => {
      if (ctx.principal.kind === 'anonymous') return unauthenticated(`role:${minimum}`);
      if (!ctx.tenantId) return denied(`role:${minimum}`, 'This operation needs a tenant context');
      return (
        (ctx.principal.kind === 'user' && roleAtLeast(ctx.principal.role, minimum)) ||
        denied(`role:${minimum}`, `Requires role ${minimum} or higher`)
      );
    });
    roleRules.set(minimum, existing);
  }
  return existing;
};

export const isPlatformStaff: IRule = contextRule('isPlatformStaff', (ctx) => {
  if (ctx.principal.kind === 'anonymous') return unauthenticated('staff');
  return (ctx.principal.kind === 'user' && ctx.principal.platformRole !== undefined) || denied('staff', 'Requires platform staff');
});

export const isPlatformAdmin: IRule = contextRule('isPlatformAdmin', (ctx) => {
  if (ctx.principal.kind === 'anonymous') return unauthenticated('staff:platform_admin');
  return (
    (ctx.principal.kind === 'user' && ctx.principal.platformRole === 'platform_admin') ||
    denied('staff:platform_admin', 'Requires platform_admin')
  );
});

/**
 * The request's tenant has feature `code` in its effective plan: FEATURE_NOT_IN_PLAN naming the
 * feature otherwise. One rule instance per code; the feature set is read once per request.
 */
const featureRules = new Map<string, IRule>();
export const hasFeature = (code: string): IRule => {
  let existing = featureRules.get(code);
  if (!existing) {
    existing = contextRule(`hasFeature:${code}`, async (ctx) => {
      if (ctx.principal.kind === 'anonymous') return unauthenticated(`feature:${code}`);
      if (!ctx.tenantId) return denied(`feature:${code}`, 'This operation needs a tenant context');
      const features = ctx.features ? await ctx.features() : new Set<string>();
      return (
        features.has(code) ||
        new TenantryError(ErrorCode.FEATURE_NOT_IN_PLAN, `Your plan does not include ${code}`, {
          feature: code,
          requirement: `feature:${code}`,
        })
      );
    });
    featureRules.set(code, existing);
  }
  return existing;
};

export { allow, and, deny, or };

/**
 * The permissions layer every subgraph applies: deny by default, FORBIDDEN (a new error per
 * denial, no stack), and a resolver's own errors pass through unchanged.
 *
 * `_service` and `_entities` are allowed here because the subgraph's HTTP layer has already
 * refused every request without a valid gateway-signed context; entity fields keep their rules.
 */
export function permissions(rules: IRules, federationQueryFields: string[] = ['_service', '_entities']) {
  const tree = rules as Record<string, Record<string, unknown>>;
  const federation = Object.fromEntries(federationQueryFields.map((field) => [field, allow]));
  return shield(
    {
      ...tree,
      Query: { ...federation, ...(tree.Query ?? {}) },
      // `_service { sdl }`: the field's type needs a rule too, or deny-by-default hides the SDL.
      ...(federationQueryFields.includes('_service') ? { _Service: allow } : {}),
    } as IRules,
    {
      fallbackRule: deny,
      allowExternalErrors: true,
      debug: false,
      fallbackError: () => markDenial(new ForbiddenError('Not allowed', { requirement: 'none' })),
    },
  );
}
export type { IRules as Rules } from 'graphql-shield';
