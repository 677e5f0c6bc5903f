import type { RequestDatabase, Work } from '@tenantry/tenancy';

/** Which trail a service reads: the request's tenant's, or the platform's own (staff only). */
export type AuditScope = 'tenant' | 'platform';

/** Runs `work` on the scope's chain: the tenant's schema as its role, or `platform` as the login role. */
export function inScope<T>(db: RequestDatabase, scope: AuditScope, work: Work<T>): Promise<T> {
  return scope === 'tenant' ? db.tenant(work) : db.platform(work);
}

/** The tenant id a chain hashes into its events; null for the platform chain. */
export function chainTenantId(db: RequestDatabase, scope: AuditScope): string | null {
  return scope === 'tenant' ? db.tenantId! : null;
}
