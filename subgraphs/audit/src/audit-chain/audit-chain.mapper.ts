import type { ChainVerification } from './audit-chain.service';
import { AuditChainVerification } from './audit-chain.type';

export function toAuditChainVerification(result: ChainVerification): AuditChainVerification {
  return Object.assign(new AuditChainVerification(), {
    ok: result.ok,
    fromSequence: result.from.toString(),
    toSequence: result.to.toString(),
    headSequence: result.headSeq.toString(),
    checkedEvents: result.checkedEvents,
    checkpointsChecked: result.checkpointsChecked,
    purgedThroughSequence: result.purgedThrough?.toString() ?? null,
    firstBreak: result.break ? { sequence: result.break.seq.toString(), reason: result.break.reason, detail: result.break.detail } : null,
  });
}
