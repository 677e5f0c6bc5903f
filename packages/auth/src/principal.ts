/** Roles inside a tenant, weakest first: a role includes every role before it. */
export const TENANT_ROLES = ['viewer', 'member', 'manager', 'admin', 'owner'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

export const PLATFORM_ROLES = ['support', 'platform_admin'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; role?: TenantRole; platformRole?: PlatformRole }
  | { kind: 'api_key'; keyId: string; scopes: string[] };

export function isTenantRole(value: unknown): value is TenantRole {
  return typeof value === 'string' && (TENANT_ROLES as readonly string[]).includes(value);
}

export function isPlatformRole(value: unknown): value is PlatformRole {
  return typeof value === 'string' && (PLATFORM_ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(role: TenantRole | undefined, minimum: TenantRole): boolean {
  return role !== undefined && TENANT_ROLES.indexOf(role) >= TENANT_ROLES.indexOf(minimum);
}

/** The id logs and audit events carry for a principal (never a token). */
export function principalId(principal: Principal): string | undefined {
  switch (principal.kind) {
    case 'anonymous':
      return undefined;
    case 'user':
      return principal.userId;
    case 'api_key':
      return principal.keyId;
  }
}
