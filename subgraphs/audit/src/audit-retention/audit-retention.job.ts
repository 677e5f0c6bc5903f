import type { DataSource } from 'typeorm';
import type { Logger } from '@tenantry/logging';
import { PLATFORM_SCHEMA, inTransaction, quoteIdent, tenantSchemaName, withPlatform, withTenant, type Work } from '@tenantry/tenancy';
import { PLATFORM_CHAIN_ID } from '../audit-checkpoint/audit-checkpoint.service';
import { AuditChainDomainError, AuditChainErrorCode } from '../audit-chain/audit-chain.errors';
import { verifyChain } from '../audit-chain/audit-chain.service';
import type { AuditSigningService } from '../audit-signing/audit-signing.service';

const DAY_MS = 24 * 60 * 60 * 1000;

export type PurgeOutcome =
  | { tenantId: string; status: 'purged'; throughSeq: string; events: number }
  | { tenantId: string; status: 'nothing-expired' }
  | { tenantId: string; status: 'refused'; reason: string }
  | { tenantId: string; status: 'failed'; error: string };

/**
 * Retention: for every tenant, events older than its plan's retentionDays leave the chain.
 * The expiring range is verified first (a broken range is kept as evidence and reported);
 * then, in one transaction, a purge record signed by the audit key (last purged sequence, its
 * hash, cutoff, count) is written and the events at or below it are deleted — the only
 * DELETE the audit_events trigger lets through. Verification then starts from the record.
 */
export async function purgeExpiredAuditEvents(
  dataSource: DataSource,
  signing: AuditSigningService,
  retentionDays: Record<string, number>,
  options: { now?: Date; tenantIds?: string[]; log?: Logger } = {},
): Promise<PurgeOutcome[]> {
  const now = options.now ?? new Date();
  const tenants = (await withPlatform(dataSource, (m) =>
    options.tenantIds
      ? m.query(`SELECT id, plan FROM ${PLATFORM_SCHEMA}.tenants WHERE id = ANY($1::uuid[]) ORDER BY id`, [options.tenantIds])
      : m.query(`SELECT id, plan FROM ${PLATFORM_SCHEMA}.tenants ORDER BY id`),
  )) as { id: string; plan: string }[];
  const outcomes: PurgeOutcome[] = [];
  for (const tenant of tenants) {
    try {
      outcomes.push(await purgeTenant(dataSource, signing, tenant, retentionDays, now));
    } catch (error) {
      outcomes.push({ tenantId: tenant.id, status: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
    const last = outcomes.at(-1)!;
    if (last.status === 'refused' || last.status === 'failed') options.log?.error(last, 'audit retention purge not done');
  }
  return outcomes;
}

async function purgeTenant(
  dataSource: DataSource,
  signing: AuditSigningService,
  tenant: { id: string; plan: string },
  retentionDays: Record<string, number>,
  now: Date,
): Promise<PurgeOutcome> {
  const days = retentionDays[tenant.plan];
  if (days === undefined) return { tenantId: tenant.id, status: 'refused', reason: `plan ${tenant.plan} has no retentionDays` };
  return purgeChain(
    dataSource,
    signing,
    {
      chainId: tenant.id,
      verifiedAs: tenant.id,
      schema: quoteIdent(tenantSchemaName(tenant.id)),
      read: (work) => withTenant(dataSource, tenant.id, work),
    },
    new Date(now.getTime() - days * DAY_MS),
  );
}

/**
 * Retention for the platform's own chain (staff actions, tenant lifecycle, security events):
 * events older than `retentionDays` leave it the same way a tenant's do — verified first, then
 * a signed purge record (naming `platform`) and the DELETE it covers, in one transaction.
 */
export async function purgeExpiredPlatformAuditEvents(
  dataSource: DataSource,
  signing: AuditSigningService,
  retentionDays: number,
  options: { now?: Date; log?: Logger } = {},
): Promise<PurgeOutcome> {
  const now = options.now ?? new Date();
  let outcome: PurgeOutcome;
  try {
    outcome = await purgeChain(
      dataSource,
      signing,
      { chainId: PLATFORM_CHAIN_ID, verifiedAs: null, schema: PLATFORM_SCHEMA, read: (work) => withPlatform(dataSource, work) },
      new Date(now.getTime() - retentionDays * DAY_MS),
    );
  } catch (error) {
    outcome = { tenantId: PLATFORM_CHAIN_ID, status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  if (outcome.status === 'refused' || outcome.status === 'failed') options.log?.error(outcome, 'platform audit retention purge not done');
  return outcome;
}

interface PurgeTarget {
  /** What purge records name: the tenant id, or `platform`. */
  chainId: string;
  /** verifyChain's tenant: the tenant id, or null for the platform chain. */
  verifiedAs: string | null;
  /** The (quoted) schema holding the chain's tables. */
  schema: string;
  /** A read transaction with the chain's schema first on the search_path. */
  read: <T>(work: Work<T>) => Promise<T>;
}

async function purgeChain(dataSource: DataSource, signing: AuditSigningService, target: PurgeTarget, cutoff: Date): Promise<PurgeOutcome> {
  const tenantId = target.chainId;
  // Time follows sequence (the writer guarantees it), so the expired events are a prefix.
  const plan = await target.read(async (m) => {
    const [row] = (await m.query(
      `SELECT (SELECT max(e.seq) FROM audit_events e WHERE e.occurred_at < $1)::text AS through,
              (SELECT max(p.through_seq) FROM audit_purges p)::text AS purged,
              (SELECT h.genesis_seq FROM audit_chain_head h)::text AS genesis`,
      [cutoff.toISOString()],
    )) as { through: string | null; purged: string | null; genesis: string }[];
    const through = row!.through === null ? undefined : BigInt(row!.through);
    const floor = BigInt(row!.purged ?? '0') > BigInt(row!.genesis) ? BigInt(row!.purged!) : BigInt(row!.genesis);
    if (through === undefined || through <= floor) return undefined;
    try {
      const verification = await verifyChain(m, target.verifiedAs, signing, { to: through });
      return { through, verification };
    } catch (error) {
      // Another replica purged this range between the two statements above.
      if (error instanceof AuditChainDomainError && error.code === AuditChainErrorCode.INVALID_RANGE) return undefined;
      throw error;
    }
  });
  if (!plan) return { tenantId, status: 'nothing-expired' };
  if (!plan.verification.ok) {
    // A replica's purge that committed while we read looks like a gap; its record is visible by now.
    const [row] = (await target.read((m) => m.query(`SELECT max(p.through_seq)::text AS through FROM audit_purges p`))) as {
      through: string | null;
    }[];
    if (row?.through && BigInt(row.through) >= plan.through) return { tenantId, status: 'nothing-expired' };
    const b = plan.verification.break!;
    return { tenantId, status: 'refused', reason: `the expiring range is broken at ${b.seq} (${b.reason}): kept as evidence` };
  }

  const schema = target.schema;
  return inTransaction(dataSource, async (runner) => {
    // Replicas may run the job at once: one purge per chain at a time, and none twice.
    await runner.query(`LOCK TABLE ${schema}.audit_purges IN SHARE ROW EXCLUSIVE MODE`);
    const [done] = (await runner.query(`SELECT max(through_seq)::text AS through FROM ${schema}.audit_purges`)) as {
      through: string | null;
    }[];
    if (done?.through !== null && done?.through !== undefined && BigInt(done.through) >= plan.through) {
      return { tenantId, status: 'nothing-expired' } as const;
    }
    const [last] = (await runner.query(`SELECT hash FROM ${schema}.audit_events WHERE seq = $1`, [plan.through.toString()])) as {
      hash: Buffer;
    }[];
    if (!last) throw new Error(`event ${plan.through} vanished before the purge`);
    const purgedAt = new Date();
    const claims = {
      tid: tenantId,
      through: plan.through.toString(),
      hash: last.hash.toString('hex'),
      cutoff: cutoff.toISOString(),
      count: String(plan.verification.checkedEvents),
      sat: purgedAt.toISOString(),
    };
    const token = await signing.sign('purge', claims, purgedAt);
    await runner.query(
      `INSERT INTO ${schema}.audit_purges (through_seq, through_hash, cutoff, events, purged_at, key_id, token)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [claims.through, last.hash, claims.cutoff, claims.count, claims.sat, signing.keyId, token],
    );
    const deleted = (await runner.query(`DELETE FROM ${schema}.audit_events WHERE seq <= $1`, [claims.through])) as [unknown[], number];
    return { tenantId, status: 'purged', throughSeq: claims.through, events: deleted[1] };
  });
}
