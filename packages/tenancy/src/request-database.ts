import type { DataSource } from 'typeorm';
import { ForbiddenError } from '@tenantry/errors';
import { withPlatform, withTenant, type TenantAccess, type Work } from './unit-of-work';

/**
 * The database as one request sees it: tenant work always runs for the request's own tenant
 * (from the gateway-signed context), so a resolver cannot even name another tenant.
 */
export class RequestDatabase {
  constructor(
    private readonly dataSource: DataSource,
    readonly tenantId: string | undefined,
  ) {}

  /** Reads (a suspended tenant's unit is a READ ONLY transaction; a cancelled one is refused). */
  tenant<T>(work: Work<T>): Promise<T> {
    return this.unit(work, 'read');
  }

  /** Changes: refused with TENANT_SUSPENDED before `work` runs when the tenant is suspended. */
  tenantWrite<T>(work: Work<T>): Promise<T> {
    return this.unit(work, 'write');
  }

  /** The data export, the one thing a cancelled tenant can still do (read only). */
  tenantExport<T>(work: Work<T>): Promise<T> {
    return this.unit(work, 'export');
  }

  /**
   * The request tenant's effective feature codes (plan + overrides), read once per request
   * however many fields ask; feature rules call this (ADR 0007).
   */
  features(): Promise<ReadonlySet<string>> {
    if (!this.tenantId) return Promise.resolve(new Set());
    const tenantId = this.tenantId;
    this.featureSet ??= withPlatform(this.dataSource, async (m) => {
      const rows: { features: string[] }[] = await m.query(`SELECT platform.tenant_features($1::uuid) AS features`, [tenantId]);
      return new Set(rows[0]?.features ?? []);
    });
    return this.featureSet;
  }

  private featureSet: Promise<ReadonlySet<string>> | undefined;

  private unit<T>(work: Work<T>, access: TenantAccess): Promise<T> {
    if (!this.tenantId) return Promise.reject(new ForbiddenError('This operation needs a tenant context'));
    return withTenant(this.dataSource, this.tenantId, work, access);
  }

  platform<T>(work: Work<T>): Promise<T> {
    return withPlatform(this.dataSource, work);
  }
}
