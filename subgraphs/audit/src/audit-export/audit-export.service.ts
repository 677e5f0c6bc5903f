import { createHash } from 'node:crypto';
import { canonicalJson } from '@tenantry/audit-writer';
import type { RequestDatabase } from '@tenantry/tenancy';
import { AuditChainDomainError, AuditChainErrorCode } from '../audit-chain/audit-chain.errors';
import { chainRowColumns, contentOf, verifyChain, type ChainRow, type ChainVerification } from '../audit-chain/audit-chain.service';
import { PLATFORM_CHAIN_ID } from '../audit-checkpoint/audit-checkpoint.service';
import { chainTenantId, inScope, type AuditScope } from '../audit-scope';
import type { AuditSigningService } from '../audit-signing/audit-signing.service';

export enum AuditExportFormat {
  NDJSON = 'NDJSON',
  CSV = 'CSV',
}

/** Events per export; larger ranges are exported in pieces (each with its own proof). */
export const MAX_EXPORT_EVENTS = 10_000;

export const CONTENT_TYPES: Record<AuditExportFormat, string> = {
  [AuditExportFormat.NDJSON]: 'application/x-ndjson',
  [AuditExportFormat.CSV]: 'text/csv',
};

/** One exported event: exactly the hashed content plus both hashes (hex). */
export type ExportedEvent = ReturnType<typeof contentOf> & { prevHash: string; hash: string };

const CSV_COLUMNS: (keyof ExportedEvent)[] = [
  'seq',
  'id',
  'occurredAt',
  'action',
  'actorType',
  'actorId',
  'resourceType',
  'resourceId',
  'requestId',
  'changes',
  'tenantId',
  'prevHash',
  'hash',
];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : canonicalJson(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * NDJSON: one canonical JSON object per line (a consumer re-hashes a line's content fields
 * directly). CSV (RFC 4180): a header, then one row per event, `changes` as canonical JSON.
 * Values are written as stored, never rewritten (no spreadsheet-formula escaping): the
 * export is evidence, and a changed cell would no longer hash.
 */
export function encodeExport(events: ExportedEvent[], format: AuditExportFormat): string {
  switch (format) {
    case AuditExportFormat.NDJSON:
      return events.map((e) => `${canonicalJson(e)}\n`).join('');
    case AuditExportFormat.CSV:
      return [CSV_COLUMNS.join(','), ...events.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))].map((l) => `${l}\r\n`).join('');
  }
}

export interface AuditExportResult {
  format: AuditExportFormat;
  from: bigint;
  to: bigint;
  events: number;
  document: string;
  documentHash: string;
  anchorHash: string;
  lastHash: string;
  verification: ChainVerification;
  proof: string;
}

export class AuditExportService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly signing: AuditSigningService,
    private readonly scope: AuditScope = 'tenant',
  ) {}

  /**
   * A range of the chain as a document, verified first, with a signed proof that binds the
   * document's sha256 to the range, the hash before its first event and its last hash.
   */
  async export(range: { from?: bigint; to?: bigint }, format: AuditExportFormat): Promise<AuditExportResult> {
    const tenantId = chainTenantId(this.db, this.scope);
    return inScope(this.db, this.scope, async (m) => {
      // The chain starts after legacy rows and after the latest retention purge.
      const [head] = (await m.query(
        `SELECT (greatest(h.genesis_seq, coalesce((SELECT max(p.through_seq) FROM audit_purges p), 0)) + 1)::text AS start,
                h.last_seq::text AS last_seq
           FROM audit_chain_head h`,
      )) as { start: string; last_seq: string }[];
      const from = range.from ?? BigInt(head!.start);
      const to = range.to ?? BigInt(head!.last_seq);
      if (to - from + 1n > BigInt(MAX_EXPORT_EVENTS)) {
        throw new AuditChainDomainError(
          AuditChainErrorCode.INVALID_RANGE,
          `An export holds at most ${MAX_EXPORT_EVENTS} events: export [${from}, ${to}] in pieces`,
        );
      }
      const verification = await verifyChain(m, tenantId, this.signing, { from, to });
      const rows = (await m.query(
        `SELECT ${chainRowColumns(tenantId)} FROM audit_events e WHERE e.seq >= $1 AND e.seq <= $2 ORDER BY e.seq`,
        [from.toString(), to.toString()],
      )) as ChainRow[];
      const events: ExportedEvent[] = rows.map((row) => ({
        ...contentOf(tenantId, row),
        prevHash: row.prev_hash?.toString('hex') ?? '',
        hash: row.hash?.toString('hex') ?? '',
      }));
      const document = encodeExport(events, format);
      const documentHash = createHash('sha256').update(document, 'utf8').digest('hex');
      const anchorHash = events[0]?.prevHash ?? '';
      const lastHash = events.at(-1)?.hash ?? '';
      const signedAt = new Date();
      const proof = await this.signing.sign(
        'export',
        {
          tid: tenantId ?? PLATFORM_CHAIN_ID,
          from: from.toString(),
          to: to.toString(),
          count: String(events.length),
          fmt: format,
          doc: documentHash,
          anchor: anchorHash,
          last: lastHash,
          ok: String(verification.ok),
          sat: signedAt.toISOString(),
        },
        signedAt,
      );
      return { format, from, to, events: events.length, document, documentHash, anchorHash, lastHash, verification, proof };
    });
  }
}
