import { appendAuditEvent } from '@tenantry/audit-writer';
import type { Principal } from '@tenantry/auth';
import type { RequestDatabase } from '@tenantry/tenancy';
import { UsageCounterEntity } from './usage-counter.entity';
import { UsageDomainError, UsageErrorCode } from './usage.errors';

const RESOURCE = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_AMOUNT = 1_000_000;

export interface Actor {
  principal: Principal;
  requestId: string;
}

export class UsageService {
  constructor(private readonly db: RequestDatabase) {}

  /**
   * Counters of the current month for the request's tenant, as used by committed grants: the
   * unused part of an open quota lease is not usage (ADR 0020).
   */
  currentPeriod(): Promise<UsageCounterEntity[]> {
    return this.db.tenant((m) =>
      m.query(
        `SELECT c.resource, c.period_start AS "periodStart", c.updated_at AS "updatedAt",
                c.used - coalesce((
                  SELECT sum(l.granted - coalesce((SELECT sum(e.amount) FROM usage_events e WHERE e.lease_id = l.id), 0))
                    FROM usage_leases l
                   WHERE l.resource = c.resource AND l.period_start = c.period_start AND l.settled_at IS NULL), 0) AS used
           FROM usage_counters c
          WHERE c.period_start = date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
          ORDER BY c.resource`,
      ),
    );
  }

  /**
   * Adds units to this month's counter with one atomic upsert (no read-then-write race), and
   * records the audit event in the same transaction.
   */
  async record(resource: string, amount: number, actor: Actor): Promise<UsageCounterEntity> {
    if (!RESOURCE.test(resource))
      throw new UsageDomainError(UsageErrorCode.INVALID_RESOURCE, 'Resource must be a lower-case code like api_calls');
    if (!Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
      throw new UsageDomainError(UsageErrorCode.INVALID_AMOUNT, `Amount must be a whole number from 1 to ${MAX_AMOUNT}`);
    }
    return this.db.tenantWrite(async (manager) => {
      const rows: UsageCounterEntity[] = await manager.query(
        `INSERT INTO usage_counters (resource, period_start, used)
         VALUES ($1, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', $2)
         ON CONFLICT (resource, period_start)
         DO UPDATE SET used = usage_counters.used + EXCLUDED.used, updated_at = now()
         RETURNING resource, period_start AS "periodStart", used, updated_at AS "updatedAt"`,
        [resource, amount],
      );
      await appendAuditEvent(manager, {
        action: 'usage.recorded',
        actor: actor.principal,
        resourceType: 'usage_counter',
        resourceId: resource,
        changes: { used: { to: Number(rows[0]!.used) } },
        requestId: actor.requestId,
      });
      return rows[0]!;
    });
  }
}
