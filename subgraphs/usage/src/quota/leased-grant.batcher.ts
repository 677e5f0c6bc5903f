import type { EntityManager } from 'typeorm';
import { pgCode } from '@tenantry/tenancy';
import { recordLeasedGrants, type LeasedGrant } from './lease-ledger';

/** PostgreSQL's exclusion_violation: a unit of a lease recorded twice (a stale Redis). */
const EXCLUSION_VIOLATION = '23P01';

type TenantUnit = <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

export interface PendingGrant<R> {
  grant: LeasedGrant;
  /** Runs in the recording transaction once the grant stands (alerts), with the counter's value. */
  onRecorded: (manager: EntityManager, counter: number) => Promise<R>;
}

interface Queued<R> extends PendingGrant<R> {
  resolve: (result: R | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Records leased grants of one tenant together: while one transaction commits, the grants that
 * arrive queue and go in the next one. No timer: a lone grant is written at once; under load one
 * commit (the cost that dominates) serves many grants. Each caller still hears back only after
 * the transaction holding its grant committed.
 */
export class LeasedGrantBatcher<R> {
  private readonly queues = new Map<string, { items: Queued<R>[]; flushing: boolean }>();

  constructor(private readonly maxBatch = 200) {}

  record(tenantId: string, unit: TenantUnit, pending: PendingGrant<R>): Promise<R | null> {
    return new Promise<R | null>((resolve, reject) => {
      let queue = this.queues.get(tenantId);
      if (!queue) this.queues.set(tenantId, (queue = { items: [], flushing: false }));
      queue.items.push({ ...pending, resolve, reject });
      if (!queue.flushing) void this.flush(tenantId, unit);
    });
  }

  private async flush(tenantId: string, unit: TenantUnit): Promise<void> {
    const queue = this.queues.get(tenantId)!;
    queue.flushing = true;
    try {
      while (queue.items.length > 0) {
        const batch = queue.items.splice(0, this.maxBatch);
        try {
          const results = await this.write(unit, batch).catch(async (error: unknown) => {
            // One stale unit fails the whole statement: record the grants one by one instead.
            if (pgCode(error) !== EXCLUSION_VIOLATION || batch.length === 1) throw error;
            return Promise.all(
              batch.map((item) =>
                this.write(unit, [item]).then(
                  ([r]) => r!,
                  (e: unknown) => rejectOrNull(e),
                ),
              ),
            );
          });
          batch.forEach((item, i) => item.resolve(results[i] ?? null));
        } catch (error) {
          if (pgCode(error) === EXCLUSION_VIOLATION) batch.forEach((item) => item.resolve(null));
          else batch.forEach((item) => item.reject(error));
        }
      }
    } finally {
      queue.flushing = false;
      this.queues.delete(tenantId);
    }
  }

  private write(unit: TenantUnit, batch: Queued<R>[]): Promise<(R | null)[]> {
    return unit(async (manager) => {
      const counters = await recordLeasedGrants(
        manager,
        batch.map((item) => item.grant),
      );
      const results: (R | null)[] = [];
      for (const [i, item] of batch.entries()) {
        const counter = counters[i];
        results.push(counter === null || counter === undefined ? null : await item.onRecorded(manager, counter));
      }
      return results;
    });
  }
}

function rejectOrNull(error: unknown): null {
  if (pgCode(error) === EXCLUSION_VIOLATION) return null;
  throw error;
}
