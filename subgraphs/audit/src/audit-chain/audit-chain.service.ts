import type { EntityManager } from 'typeorm';
import { GENESIS_HASH, chainHash, type ChainedEventContent } from '@tenantry/audit-writer';
import type { RequestDatabase } from '@tenantry/tenancy';
import { chainTenantId, inScope, type AuditScope } from '../audit-scope';
import type { AuditSigningService } from '../audit-signing/audit-signing.service';
import { PLATFORM_CHAIN_ID, readCheckpointToken, type CheckpointClaims } from '../audit-checkpoint/audit-checkpoint.service';
import { AuditChainDomainError, AuditChainErrorCode } from './audit-chain.errors';

/** Why a chain is broken at a sequence number. */
export enum ChainBreakReason {
  /** The event's content no longer hashes to its stored hash: it was edited. */
  CONTENT_MISMATCH = 'CONTENT_MISMATCH',
  /** An event is missing between two others: it was deleted. */
  GAP = 'GAP',
  /** The event does not link to its predecessor's hash: the chain was rewritten from here. */
  FORK = 'FORK',
  /** A signed checkpoint disagrees with the chain (or does not verify). */
  CHECKPOINT_MISMATCH = 'CHECKPOINT_MISMATCH',
  /** Events a head or a signed checkpoint covers are gone from the end of the chain. */
  TRUNCATED = 'TRUNCATED',
}

export interface ChainBreak {
  seq: bigint;
  reason: ChainBreakReason;
  detail: string;
}

/** One stored event as the verifier reads it (raw driver values). */
export interface ChainRow {
  seq: string;
  id: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  resource_type: string;
  resource_id: string;
  changes: Record<string, unknown>;
  request_id: string | null;
  occurred_at: Date;
  prev_hash: Buffer | null;
  hash: Buffer | null;
  /** Platform chain only: the tenant the event concerns. */
  tenant_id?: string | null;
}

/** The columns to read for a chain: the platform table also hashes each row's tenant id. */
export function chainRowColumns(tenantId: string | null): string {
  return tenantId === null ? `${CHAIN_ROW_COLUMNS}, tenant_id::text AS tenant_id` : CHAIN_ROW_COLUMNS;
}

export const CHAIN_ROW_COLUMNS =
  'seq::text AS seq, id, action, actor_type, actor_id, resource_type, resource_id, changes, request_id, occurred_at, prev_hash, hash';

/** The hashed content of a row; `tenantId` null means the platform chain (the row names its tenant). */
export function contentOf(tenantId: string | null, row: ChainRow): ChainedEventContent {
  return {
    tenantId: tenantId ?? row.tenant_id ?? null,
    seq: row.seq,
    id: row.id,
    action: row.action,
    actorType: row.actor_type,
    actorId: row.actor_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    changes: row.changes,
    requestId: row.request_id,
    occurredAt: row.occurred_at.toISOString(),
  };
}

/**
 * Checks events pushed in sequence order: each must be the next number, hash to its stored
 * hash, link to its predecessor's hash, and match any checkpoint expected at its number.
 * Stops at the first break. Pure, so the benchmark and the service share it.
 */
export class ChainVerifier {
  private expected: bigint;
  private previousHash: Buffer | undefined;
  private broken: ChainBreak | undefined;
  checked = 0;
  lastSeq: bigint | undefined;
  lastHash: Buffer | undefined;

  constructor(
    private readonly tenantId: string | null,
    firstSeq: bigint,
    /** The hash the first event must link to; undefined when the predecessor is not checked. */
    previousHash: Buffer | undefined,
    /** seq -> hash a signed checkpoint recorded there. */
    private readonly checkpoints: Map<string, { hash: string; signedAt: string }> = new Map(),
  ) {
    this.expected = firstSeq;
    this.previousHash = previousHash;
  }

  get result(): ChainBreak | undefined {
    return this.broken;
  }

  /** false once the chain is broken (stop reading). */
  push(row: ChainRow): boolean {
    if (this.broken) return false;
    const seq = BigInt(row.seq);
    if (seq !== this.expected) {
      return this.fail(this.expected, ChainBreakReason.GAP, `event ${this.expected} is missing (next present is ${seq})`);
    }
    if (!row.hash || !row.prev_hash) return this.fail(seq, ChainBreakReason.CONTENT_MISMATCH, `event ${seq} carries no hash`);
    if (!chainHash(row.prev_hash, contentOf(this.tenantId, row)).equals(row.hash)) {
      return this.fail(seq, ChainBreakReason.CONTENT_MISMATCH, `event ${seq} does not hash to its stored hash`);
    }
    if (this.previousHash && !row.prev_hash.equals(this.previousHash)) {
      return this.fail(seq, ChainBreakReason.FORK, `event ${seq} does not link to the hash of event ${seq - 1n}`);
    }
    const checkpoint = this.checkpoints.get(row.seq);
    if (checkpoint && checkpoint.hash !== row.hash.toString('hex')) {
      return this.fail(
        seq,
        ChainBreakReason.CHECKPOINT_MISMATCH,
        `event ${seq} differs from the checkpoint signed at ${checkpoint.signedAt}`,
      );
    }
    this.previousHash = row.hash;
    this.lastSeq = seq;
    this.lastHash = row.hash;
    this.expected = seq + 1n;
    this.checked++;
    return true;
  }

  private fail(seq: bigint, reason: ChainBreakReason, detail: string): false {
    this.broken = { seq, reason, detail };
    return false;
  }
}

export interface ChainVerification {
  ok: boolean;
  from: bigint;
  to: bigint;
  headSeq: bigint;
  checkedEvents: number;
  checkpointsChecked: number;
  /** The last event removed by retention (its signed purge record anchors the chain). */
  purgedThrough?: bigint;
  break?: ChainBreak;
}

interface HeadRow {
  genesis_seq: string;
  last_seq: string;
  last_hash: Buffer;
}

interface PurgeRow {
  through_seq: string;
  through_hash: Buffer;
  token: string;
}

/** Reads a purge record's token back: its claims when the audit key signed it, else undefined. */
export async function readPurgeToken(
  signing: AuditSigningService,
  token: string,
): Promise<{ tenantId: string; throughSeq: string; throughHash: string } | undefined> {
  const claims = await signing.verify('purge', token);
  if (!claims || typeof claims.tid !== 'string' || typeof claims.through !== 'string' || typeof claims.hash !== 'string') return undefined;
  return { tenantId: claims.tid, throughSeq: claims.through, throughHash: claims.hash };
}

/**
 * Where the verifiable chain starts: after legacy rows and after the latest retention purge,
 * whose signed record supplies the hash the first remaining event links to.
 */
async function chainStart(
  manager: EntityManager,
  chainId: string,
  signing: AuditSigningService,
  head: HeadRow,
): Promise<{ start: bigint; anchor: Buffer; purgedThrough?: bigint; broken?: ChainBreak }> {
  const purges = (await manager.query(
    `SELECT p.through_seq::text AS through_seq, p.through_hash, p.token FROM audit_purges p ORDER BY p.through_seq, p.id`,
  )) as PurgeRow[];
  for (const purge of purges) {
    const claims = await readPurgeToken(signing, purge.token);
    if (
      !claims ||
      claims.tenantId !== chainId ||
      claims.throughSeq !== purge.through_seq ||
      claims.throughHash !== purge.through_hash.toString('hex')
    ) {
      return {
        start: BigInt(purge.through_seq) + 1n,
        anchor: purge.through_hash,
        broken: {
          seq: BigInt(purge.through_seq),
          reason: ChainBreakReason.CHECKPOINT_MISMATCH,
          detail: `the purge record through event ${purge.through_seq} does not verify`,
        },
      };
    }
  }
  const latest = purges.at(-1);
  const genesis = BigInt(head.genesis_seq);
  if (latest && BigInt(latest.through_seq) >= genesis) {
    return { start: BigInt(latest.through_seq) + 1n, anchor: latest.through_hash, purgedThrough: BigInt(latest.through_seq) };
  }
  return { start: genesis + 1n, anchor: GENESIS_HASH };
}

const BATCH = 5_000;

/**
 * Reads the chain back in batches and verifies it: from the first chained event (or `from`),
 * to the head (or `to`), against every stored checkpoint and one the caller holds.
 */
export async function verifyChain(
  manager: EntityManager,
  /** The tenant whose chain it is; null for the platform's own chain. */
  tenantId: string | null,
  signing: AuditSigningService,
  range: { from?: bigint; to?: bigint; checkpointToken?: string },
): Promise<ChainVerification> {
  const chainId = tenantId ?? PLATFORM_CHAIN_ID;
  const [head] = (await manager.query(`SELECT genesis_seq::text, last_seq::text, last_hash FROM audit_chain_head`)) as HeadRow[];
  if (!head) throw new Error('audit chain head is missing');
  const origin = await chainStart(manager, chainId, signing, head);
  const start = origin.start;
  const headSeq = BigInt(head.last_seq);
  const from = range.from ?? start;
  const to = range.to ?? headSeq;
  if (from < start) {
    throw new AuditChainDomainError(
      AuditChainErrorCode.INVALID_RANGE,
      origin.purgedThrough !== undefined
        ? `events up to ${origin.purgedThrough} were purged by retention`
        : `the chain starts at event ${start}`,
    );
  }
  if (range.to !== undefined && to < from)
    throw new AuditChainDomainError(AuditChainErrorCode.INVALID_RANGE, '`to` must not be before `from`');

  const checkpoints = await loadCheckpoints(manager, chainId, signing, from, range.checkpointToken);
  const done = (result: Omit<ChainVerification, 'from' | 'to' | 'headSeq' | 'checkpointsChecked'>): ChainVerification => ({
    ...result,
    from,
    to,
    headSeq,
    checkpointsChecked: checkpoints.checked,
    ...(origin.purgedThrough !== undefined ? { purgedThrough: origin.purgedThrough } : {}),
  });
  if (origin.broken) return done({ ok: false, checkedEvents: 0, break: origin.broken });
  if (checkpoints.broken) return done({ ok: false, checkedEvents: 0, break: checkpoints.broken });

  // From inside the chain, the predecessor is read too, so the first link is checked as well.
  const readFrom = from > start ? from - 1n : from;
  // The first event links to the genesis hash or the purge record's; later starts link to the anchor read first.
  const verifier = new ChainVerifier(tenantId, readFrom, readFrom === start ? origin.anchor : undefined, checkpoints.expected);
  // The next batch is requested before this one is hashed, so the database works while Node hashes.
  const fetchBatch = (fromSeq: bigint) =>
    manager.query(
      `SELECT ${chainRowColumns(tenantId)} FROM audit_events e WHERE e.seq >= $1 AND e.seq <= $2 ORDER BY e.seq LIMIT ${BATCH}`,
      [fromSeq.toString(), to.toString()],
    ) as Promise<ChainRow[]>;
  let pending: Promise<ChainRow[]> | undefined = fetchBatch(readFrom);
  while (pending) {
    const rows: ChainRow[] = await pending;
    pending = rows.length === BATCH ? fetchBatch(BigInt(rows.at(-1)!.seq) + 1n) : undefined;
    for (const row of rows) {
      if (!verifier.push(row)) {
        await pending; // the transaction must not end under a running query
        return done({ ok: false, checkedEvents: verifier.checked, break: verifier.result! });
      }
    }
  }

  const reached = verifier.lastSeq ?? readFrom - 1n;
  const toEnd = range.to === undefined || range.to >= headSeq;
  const expectedEnd = toEnd ? headSeq : to;
  if (reached < expectedEnd) {
    return done({
      ok: false,
      checkedEvents: verifier.checked,
      break: {
        seq: reached + 1n,
        reason: ChainBreakReason.TRUNCATED,
        detail: `the chain head is at ${headSeq} but events end at ${reached}`,
      },
    });
  }
  if (toEnd && verifier.lastHash && reached === headSeq && !verifier.lastHash.equals(head.last_hash)) {
    return done({
      ok: false,
      checkedEvents: verifier.checked,
      break: { seq: headSeq, reason: ChainBreakReason.FORK, detail: `the chain head's hash is not the hash of event ${headSeq}` },
    });
  }
  for (const [seq, checkpoint] of checkpoints.expected) {
    if (BigInt(seq) > reached && (toEnd || BigInt(seq) <= to)) {
      return done({
        ok: false,
        checkedEvents: verifier.checked,
        break: {
          seq: reached + 1n,
          reason: ChainBreakReason.TRUNCATED,
          detail: `a checkpoint signed at ${checkpoint.signedAt} covers event ${seq}, but events end at ${reached}`,
        },
      });
    }
  }
  return done({ ok: true, checkedEvents: verifier.checked });
}

interface LoadedCheckpoints {
  expected: Map<string, { hash: string; signedAt: string }>;
  checked: number;
  broken?: ChainBreak;
}

/**
 * The checkpoints from `from` on, past the range too (a checkpoint past the end proves a
 * truncation): stored ones must verify and agree with their own row; a supplied one must verify.
 */
async function loadCheckpoints(
  manager: EntityManager,
  chainId: string,
  signing: AuditSigningService,
  from: bigint,
  supplied: string | undefined,
): Promise<LoadedCheckpoints> {
  const expected = new Map<string, { hash: string; signedAt: string }>();
  const claims: { claims: CheckpointClaims; source: string }[] = [];
  if (supplied !== undefined) {
    const read = await readCheckpointToken(signing, supplied);
    if (!read) throw new AuditChainDomainError(AuditChainErrorCode.INVALID_CHECKPOINT, 'The checkpoint is not signed by the audit key');
    if (read.tenantId !== chainId) {
      throw new AuditChainDomainError(AuditChainErrorCode.INVALID_CHECKPOINT, "The checkpoint is not this tenant's");
    }
    claims.push({ claims: read, source: 'the supplied checkpoint' });
  }
  const stored = (await manager.query(
    `SELECT seq::text AS seq, hash, signed_at, token FROM audit_checkpoints c WHERE c.seq >= $1 ORDER BY c.seq, c.id`,
    [from.toString()],
  )) as { seq: string; hash: Buffer; signed_at: Date; token: string }[];
  for (const row of stored) {
    const read = await readCheckpointToken(signing, row.token);
    if (!read || read.tenantId !== chainId || read.seq !== row.seq || read.hash !== row.hash.toString('hex')) {
      return {
        expected,
        checked: claims.length,
        broken: {
          seq: BigInt(row.seq),
          reason: ChainBreakReason.CHECKPOINT_MISMATCH,
          detail: `the stored checkpoint at ${row.seq} does not verify`,
        },
      };
    }
    claims.push({ claims: read, source: 'a stored checkpoint' });
  }
  // Checkpoints past `to` are kept too: past the end of the events they prove a truncation.
  for (const { claims: c } of claims) {
    const seq = BigInt(c.seq);
    if (seq < from) continue;
    const other = expected.get(c.seq);
    if (other && other.hash !== c.hash) {
      return {
        expected,
        checked: claims.length,
        broken: { seq, reason: ChainBreakReason.CHECKPOINT_MISMATCH, detail: `two signed checkpoints disagree about event ${seq}` },
      };
    }
    expected.set(c.seq, { hash: c.hash, signedAt: c.signedAt });
  }
  return { expected, checked: claims.length };
}

export class AuditChainService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly signing: AuditSigningService,
    private readonly scope: AuditScope = 'tenant',
  ) {}

  /**
   * A break is confirmed by a second pass: reads are READ COMMITTED, so a retention purge
   * committing mid-read could look like a gap once; real damage is still there the second time.
   */
  async verify(range: { from?: bigint; to?: bigint; checkpointToken?: string }): Promise<ChainVerification> {
    const tenantId = chainTenantId(this.db, this.scope);
    const first = await inScope(this.db, this.scope, (m) => verifyChain(m, tenantId, this.signing, range));
    if (first.ok) return first;
    return inScope(this.db, this.scope, (m) => verifyChain(m, tenantId, this.signing, range));
  }
}
