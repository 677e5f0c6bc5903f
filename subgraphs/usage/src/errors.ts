import { QuotaDomainError, toPublicError as quotaToPublic } from './quota/quota.errors';
import { UsageDomainError, toPublicError } from './usage/usage.errors';

/** Maps this subgraph's domain errors onto public codes (applied once, around every root field). */
export function mapUsageErrors(error: unknown): Error | undefined {
  if (error instanceof UsageDomainError) return toPublicError(error);
  if (error instanceof QuotaDomainError) return quotaToPublic(error);
  return undefined;
}
