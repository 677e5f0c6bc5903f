import type { UsageContext } from '../context';
import { TenantUsage } from './tenant-usage.type';

/** Only the request's own tenant resolves; any other id is null, as if it did not exist. */
export function resolveTenantUsageReference(reference: { id: string }, ctx: UsageContext): TenantUsage | null {
  if (reference.id !== ctx.tenantId) return null;
  return Object.assign(new TenantUsage(), { id: reference.id });
}
