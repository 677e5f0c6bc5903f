import type { RequestDatabase } from '@tenantry/tenancy';
import { BadUserInputError } from '@tenantry/errors';
import { AuditEventEntity } from './audit-event.entity';

export const MAX_PAGE = 100;

/** Cursors are opaque to clients: the base64url of the sequence number. */
export function encodeCursor(seq: string): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const match = /^seq:(\d{1,19})$/.exec(decoded);
  if (!match) throw new BadUserInputError('Invalid cursor', { field: 'after' });
  return match[1]!;
}

export class AuditEventService {
  constructor(private readonly db: RequestDatabase) {}

  /** Newest first, keyset-paginated on the sequence, so concurrent appends never shift a page. */
  async page(first: number, after?: string): Promise<{ rows: AuditEventEntity[]; hasNextPage: boolean }> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first', max: MAX_PAGE });
    }
    const beforeSeq = after ? decodeCursor(after) : undefined;
    const rows = await this.db.tenant((m) => {
      const query = m
        .createQueryBuilder(AuditEventEntity, 'e')
        .orderBy('e.seq', 'DESC')
        .limit(first + 1);
      if (beforeSeq) query.where('e.seq < :beforeSeq', { beforeSeq });
      return query.getMany();
    });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }
}
