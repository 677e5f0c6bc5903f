import { MembershipDomainError, toPublicError } from './membership/membership.errors';

/** Maps this subgraph's domain errors onto public codes (applied once, around every root field). */
export function mapIdentityErrors(error: unknown): Error | undefined {
  if (error instanceof MembershipDomainError) return toPublicError(error);
  return undefined;
}
