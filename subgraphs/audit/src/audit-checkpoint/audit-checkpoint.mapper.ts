import type { AuditCheckpointEntity } from './audit-checkpoint.entity';
import { AuditCheckpoint } from './audit-checkpoint.type';

export function toAuditCheckpoint(entity: AuditCheckpointEntity): AuditCheckpoint {
  return Object.assign(new AuditCheckpoint(), {
    sequence: entity.seq,
    hash: entity.hash.toString('hex'),
    signedAt: entity.signedAt,
    keyId: entity.keyId,
    token: entity.token,
  });
}
