import { ApiClientDomainError, toPublicApiClientError } from './api-client/api-client.errors';
import { BrandingDomainError, toPublicBrandingError } from './branding/branding.errors';
import { DomainDomainError, toPublicDomainError } from './domain/domain.errors';
import { PlanDomainError, toPublicPlanError } from './plan/plan.errors';
import { SettingDomainError, toPublicSettingError } from './setting/setting.errors';
import { TenantDomainError, toPublicError } from './tenant/tenant.errors';

/** Maps this subgraph's domain errors onto public codes (applied once, around every root field). */
export function mapTenantErrors(error: unknown): Error | undefined {
  if (error instanceof TenantDomainError) return toPublicError(error);
  if (error instanceof PlanDomainError) return toPublicPlanError(error);
  if (error instanceof SettingDomainError) return toPublicSettingError(error);
  if (error instanceof BrandingDomainError) return toPublicBrandingError(error);
  if (error instanceof DomainDomainError) return toPublicDomainError(error);
  if (error instanceof ApiClientDomainError) return toPublicApiClientError(error);
  return undefined;
}
