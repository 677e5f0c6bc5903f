import type { EntityManager } from 'typeorm';

/** Units of lease n are n * 2^31 + [0, granted): no two leases share a unit number. */
const LEASE_UNIT_SPACE = 2_147_483_648;
export const MAX_LEASE_UNITS = LEASE_UNIT_SPACE - 1;

/**
 * A counter's usage as users see it: what committed grants used. usage_counters.used also
 * counts the part of an open lease no grant has used yet, which is subtracted here (ADR 0020).
 * `$1` is the resource and `$2` the period start.
 */
export const HONEST_USED_SQL = `
  SELECT c.used - coalesce((
           SELECT sum(l.granted - coalesce((SELECT sum(e.amount) FROM usage_events e WHERE e.lease_id = l.id), 0))
             FROM usage_leases l
            WHERE l.resource = c.resource AND l.period_start = c.period_start AND l.settled_at IS NULL), 0) AS used
    FROM usage_counters c WHERE c.resource = $1 AND c.period_start = $2`;

/**
 * Takes the counter's row lock (creating the row at zero if needed) and returns its value.
 * Every lease is granted and settled under this lock, so holding it means no lease can appear
 * or vanish meanwhile.
 */
export async function lockCounter(manager: EntityManager, resource: string, periodStart: Date, now: Date): Promise<number> {
  const rows: { used: string }[] = await manager.query(
    `INSERT INTO usage_counters (resource, period_start, used, updated_at) VALUES ($1, $2, 0, $3)
     ON CONFLICT (resource, period_start) DO UPDATE SET used = usage_counters.used
     RETURNING used`,
    [resource, periodStart, now],
  );
  return Number(rows[0]!.used);
}

/**
 * Settles the counter's open leases (call with the counter locked): gives back to the counter
 * the units no committed grant used, and returns the counter's new value. Locking the lease
 * rows first waits for every grant still being recorded under them (they hold FOR SHARE), and
 * the next statement's snapshot sees those grants; a grant arriving later finds the lease
 * settled and is not recorded.
 */
export async function settleOpenLeases(manager: EntityManager, resource: string, periodStart: Date, now: Date): Promise<number | null> {
  const open: { id: string }[] = await manager.query(
    `SELECT id FROM usage_leases WHERE resource = $1 AND period_start = $2 AND settled_at IS NULL FOR UPDATE`,
    [resource, periodStart],
  );
  if (open.length === 0) return null;
  const rows: { used: string }[] = await manager.query(
    `WITH settled AS (
       UPDATE usage_leases l
          SET settled_at = $4, consumed = (SELECT coalesce(sum(e.amount), 0) FROM usage_events e WHERE e.lease_id = l.id)
        WHERE l.id = ANY ($3::bigint[])
        RETURNING l.granted - l.consumed AS unused)
     UPDATE usage_counters SET used = used - (SELECT coalesce(sum(unused), 0) FROM settled), updated_at = $4
      WHERE resource = $1 AND period_start = $2
      RETURNING used`,
    [resource, periodStart, open.map((l) => l.id), now],
  );
  return Number(rows[0]!.used);
}

/** Adds `granted` to the (locked) counter as a new open lease; returns its id. */
export async function grantLease(
  manager: EntityManager,
  resource: string,
  periodStart: Date,
  granted: number,
  now: Date,
  expiresAt: Date,
): Promise<string> {
  await manager.query(`UPDATE usage_counters SET used = used + $3, updated_at = $4 WHERE resource = $1 AND period_start = $2`, [
    resource,
    periodStart,
    granted,
    now,
  ]);
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO usage_leases (resource, period_start, granted, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [resource, periodStart, granted, now, expiresAt],
  );
  return String(rows[0]!.id);
}

export interface LeasedGrant {
  leaseId: string;
  offset: number;
  amount: number;
  resource: string;
  periodStart: Date;
  actorType: string;
  actorId: string | null;
  description: string | null;
  requestId: string;
  occurredAt: Date;
}

/**
 * Records grants of units Redis handed out, in one statement: each stands if its lease is still
 * open (FOR SHARE: a settlement waits for this transaction) and its units are inside the lease
 * and nobody's yet (the exclusion constraint fails the statement otherwise). Returns, per grant,
 * the counter's value, or null when the grant does not stand.
 */
export async function recordLeasedGrants(manager: EntityManager, grants: LeasedGrant[]): Promise<(number | null)[]> {
  const column = <K extends keyof LeasedGrant>(k: K) => grants.map((g) => g[k]);
  const rows: { n: string; recorded: boolean; counter: string | null }[] = await manager.query(
    `WITH input AS (
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::timestamptz[])
              WITH ORDINALITY AS i(lease_id, unit_offset, amount, resource, period_start, actor_type, actor_id, description, request_id, occurred_at, n)),
     lease AS (
       SELECT id, granted, resource, period_start FROM usage_leases
        WHERE id IN (SELECT lease_id FROM input) AND settled_at IS NULL
        FOR SHARE),
     recorded AS (
       INSERT INTO usage_events (resource, amount, outcome, actor_type, actor_id, description, request_id, occurred_at, lease_id, units)
       SELECT i.resource, i.amount, 'granted', i.actor_type, i.actor_id, i.description, i.request_id, i.occurred_at, lease.id,
              int8range(lease.id * ${LEASE_UNIT_SPACE} + i.unit_offset, lease.id * ${LEASE_UNIT_SPACE} + i.unit_offset + i.amount)
         FROM input i JOIN lease ON lease.id = i.lease_id AND lease.resource = i.resource AND lease.period_start = i.period_start
        WHERE i.unit_offset >= 0 AND i.unit_offset + i.amount <= lease.granted
       RETURNING lower(units) AS first_unit)
     SELECT i.n, r.first_unit IS NOT NULL AS recorded,
            (SELECT used FROM usage_counters c WHERE c.resource = i.resource AND c.period_start = i.period_start) AS counter
       FROM input i LEFT JOIN recorded r ON r.first_unit = i.lease_id * ${LEASE_UNIT_SPACE} + i.unit_offset
      ORDER BY i.n`,
    [
      column('leaseId'),
      column('offset'),
      column('amount'),
      column('resource'),
      column('periodStart'),
      column('actorType'),
      column('actorId'),
      column('description'),
      column('requestId'),
      column('occurredAt'),
    ],
  );
  return rows.map((r) => (r.recorded ? Number(r.counter) : null));
}

/**
 * Settles every lease of this tenant that expired before `now` (the maintenance job), each
 * counter under its lock; returns how many counters got units back.
 */
export async function settleExpiredLeases(manager: EntityManager, now: Date): Promise<number> {
  const counters: { resource: string; periodStart: Date }[] = await manager.query(
    `SELECT DISTINCT resource, period_start AS "periodStart" FROM usage_leases WHERE settled_at IS NULL AND expires_at < $1`,
    [now],
  );
  for (const c of counters) {
    await lockCounter(manager, c.resource, c.periodStart, now);
    await settleOpenLeases(manager, c.resource, c.periodStart, now);
  }
  return counters.length;
}
