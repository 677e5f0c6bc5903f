import type { DataSource } from 'typeorm';
import { ForbiddenError } from '@tenantry/errors';
import { withPlatform, withTenant, type Work } from './unit-of-work';

/**
 * The database as one request sees it: tenant work always runs for the request's own tenant
 * (from the gateway-signed context), so a resolver cannot even name another tenant.
 */
export class RequestDatabase {
  constructor(
    private readonly dataSource: DataSource,
    readonly tenantId: string | undefined,
  ) {}

  tenant<T>(work: Work<T>): Promise<T> {
    if (!this.tenantId) return Promise.reject(new ForbiddenError('This operation needs a tenant context'));
    return withTenant(this.dataSource, this.tenantId, work);
  }

  platform<T>(work: Work<T>): Promise<T> {
    return withPlatform(this.dataSource, work);
  }
}
