/** The subgraph that owns (and is the only writer of) what a migration creates. */
export type Owner = 'tenant' | 'identity' | 'usage' | 'audit';

/** Names a migration may use, already validated and quoted by packages/tenancy. */
export interface PlatformTarget {
  /** Group role every tenant role belongs to (quoted). */
  tenantGroupRole: string;
}

export interface TenantTarget {
  /** The tenant's schema (quoted). Unqualified names resolve to it while the migration runs. */
  schema: string;
  /** The tenant's database role (quoted): what the application runs as inside withTenant. */
  role: string;
}

/**
 * A migration is reviewed SQL. Ids sort in the order they must run; once released, a
 * migration never changes (add a new one instead).
 */
export interface PlatformMigration {
  id: string;
  owner: Owner;
  up: (target: PlatformTarget) => string;
}

export interface TenantMigration {
  id: string;
  owner: Owner;
  up: (target: TenantTarget) => string;
}
