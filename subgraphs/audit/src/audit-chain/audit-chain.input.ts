import { AuditChainDomainError, AuditChainErrorCode } from './audit-chain.errors';

/** A sequence number argument (decimal string, as sequences are exposed) or undefined. */
export function parseSequenceArg(value: string | undefined | null, field: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!/^[1-9]\d{0,18}$/.test(value))
    throw new AuditChainDomainError(AuditChainErrorCode.INVALID_RANGE, `${field} must be a sequence number`);
  return BigInt(value);
}
