import type { EntityManager } from 'typeorm';
import { BadUserInputError } from '@tenantry/errors';
import type { RequestDatabase } from '@tenantry/tenancy';
import { chainTenantId, inScope, type AuditScope } from '../audit-scope';
import type { AuditSigningService } from '../audit-signing/audit-signing.service';

/** What checkpoints of the platform's own chain name as their tenant. */
export const PLATFORM_CHAIN_ID = 'platform';
import { AuditCheckpointEntity } from './audit-checkpoint.entity';

export const MAX_CHECKPOINTS_PAGE = 100;

/** What a checkpoint token states: this tenant's chain had this head at this time. */
export interface CheckpointClaims {
  tenantId: string;
  seq: string;
  hash: string;
  signedAt: string;
}

interface HeadRow {
  last_seq: string;
  last_hash: Buffer;
}

/** Reads a checkpoint token back: its claims when the audit key signed it, else undefined. */
export async function readCheckpointToken(signing: AuditSigningService, token: string): Promise<CheckpointClaims | undefined> {
  const claims = await signing.verify('checkpoint', token);
  if (!claims) return undefined;
  const { tid, seq, hash, sat } = claims;
  if (typeof tid !== 'string' || typeof seq !== 'string' || typeof hash !== 'string' || typeof sat !== 'string') return undefined;
  if (!/^\d{1,19}$/.test(seq) || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  return { tenantId: tid, seq, hash, signedAt: sat };
}

/**
 * Signs the tenant's current chain head and stores the checkpoint, inside the caller's tenant
 * transaction. With `onlyIfMoved`, nothing is written when the newest checkpoint already
 * covers the head (what the periodic job wants).
 */
export async function checkpointHead(
  manager: EntityManager,
  /** The tenant id, or PLATFORM_CHAIN_ID for the platform's own chain. */
  chainId: string,
  signing: AuditSigningService,
  options: { onlyIfMoved?: boolean } = {},
): Promise<AuditCheckpointEntity | undefined> {
  const [head] = (await manager.query(`SELECT last_seq, last_hash FROM audit_chain_head`)) as HeadRow[];
  if (!head) throw new Error('audit chain head is missing');
  if (options.onlyIfMoved) {
    const [latest] = (await manager.query(`SELECT max(seq)::text AS seq FROM audit_checkpoints`)) as { seq: string | null }[];
    if (latest?.seq === head.last_seq) return undefined;
  }
  const signedAt = new Date();
  const claims = { tid: chainId, seq: head.last_seq, hash: head.last_hash.toString('hex'), sat: signedAt.toISOString() };
  const token = await signing.sign('checkpoint', claims, signedAt);
  const [row] = (await manager.query(
    `INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, token) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
    [head.last_seq, head.last_hash, claims.sat, signing.keyId, token],
  )) as { id: string }[];
  return Object.assign(new AuditCheckpointEntity(), {
    id: row!.id,
    seq: head.last_seq,
    hash: head.last_hash,
    signedAt,
    keyId: signing.keyId,
    token,
  });
}

export class AuditCheckpointService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly signing: AuditSigningService,
    private readonly scope: AuditScope = 'tenant',
  ) {}

  /** A checkpoint of the head now, on demand (an admin before an export, an auditor's request). */
  async create(): Promise<AuditCheckpointEntity> {
    const chainId = chainTenantId(this.db, this.scope) ?? PLATFORM_CHAIN_ID;
    const created = await inScope(this.db, this.scope, (m) => checkpointHead(m, chainId, this.signing));
    return created!;
  }

  /** Newest first. */
  async latest(first: number): Promise<AuditCheckpointEntity[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_CHECKPOINTS_PAGE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_CHECKPOINTS_PAGE}`, { field: 'first', max: MAX_CHECKPOINTS_PAGE });
    }
    return inScope(this.db, this.scope, (m) =>
      m.createQueryBuilder(AuditCheckpointEntity, 'c').orderBy('c.seq', 'DESC').addOrderBy('c.id', 'DESC').limit(first).getMany(),
    );
  }
}
