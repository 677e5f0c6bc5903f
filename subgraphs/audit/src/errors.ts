import { AuditChainDomainError, toPublicError } from './audit-chain/audit-chain.errors';

/** Maps this subgraph's domain errors onto public codes (applied once, around every root field). */
export function mapAuditErrors(error: unknown): Error | undefined {
  if (error instanceof AuditChainDomainError) return toPublicError(error);
  return undefined;
}
