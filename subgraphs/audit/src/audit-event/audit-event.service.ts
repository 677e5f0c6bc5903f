import type { RequestDatabase } from '@tenantry/tenancy';
import { BadUserInputError } from '@tenantry/errors';
import { AuditEventEntity } from './audit-event.entity';
import { inScope, type AuditScope } from '../audit-scope';
import type { AuditEventFilter } from './audit-event.input';

export const MAX_PAGE = 100;
const MAX_TEXT = 200;
const ACTION_PREFIX = /^[a-z][a-z0-9_.]{0,99}$/;

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

/** Text for LIKE, with its wildcards taken literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function checkText(value: string | null | undefined, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value.length === 0 || value.length > MAX_TEXT) {
    throw new BadUserInputError(`${field} must be 1 to ${MAX_TEXT} characters`, { field });
  }
  return value;
}

export class AuditEventService {
  constructor(
    private readonly db: RequestDatabase,
    private readonly scope: AuditScope = 'tenant',
  ) {}

  /**
   * Newest first, keyset-paginated on the sequence: events appended while a client pages
   * get higher numbers, so they never shift or repeat a later page.
   */
  async page(first: number, after?: string, filter: AuditEventFilter = {}): Promise<{ rows: AuditEventEntity[]; hasNextPage: boolean }> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first', max: MAX_PAGE });
    }
    const beforeSeq = after ? decodeCursor(after) : undefined;
    const actorId = checkText(filter.actorId, 'actorId');
    const actionPrefix = checkText(filter.actionPrefix, 'actionPrefix');
    if (actionPrefix !== undefined && !ACTION_PREFIX.test(actionPrefix)) {
      throw new BadUserInputError('actionPrefix must be lower-case letters, digits, "_" and "."', { field: 'actionPrefix' });
    }
    const resourceType = checkText(filter.resourceType, 'resourceType');
    const resourceId = checkText(filter.resourceId, 'resourceId');
    const contains = checkText(filter.resourceIdContains, 'resourceIdContains');
    const { occurredFrom, occurredBefore } = filter;
    const rows = await inScope(this.db, this.scope, (m) => {
      const query = m
        .createQueryBuilder(AuditEventEntity, 'e')
        .where('TRUE')
        .orderBy('e.seq', 'DESC')
        .limit(first + 1);
      if (beforeSeq) query.andWhere('e.seq < :beforeSeq', { beforeSeq });
      if (actorId !== undefined) query.andWhere('e.actor_id = :actorId', { actorId });
      if (actionPrefix !== undefined) query.andWhere(`e.action LIKE :actionPrefix`, { actionPrefix: `${likeLiteral(actionPrefix)}%` });
      if (resourceType !== undefined) query.andWhere('e.resource_type = :resourceType', { resourceType });
      if (resourceId !== undefined) query.andWhere('e.resource_id = :resourceId', { resourceId });
      if (contains !== undefined) query.andWhere(`e.resource_id ILIKE :contains`, { contains: `%${likeLiteral(contains)}%` });
      if (occurredFrom) query.andWhere('e.occurred_at >= :occurredFrom', { occurredFrom });
      if (occurredBefore) query.andWhere('e.occurred_at < :occurredBefore', { occurredBefore });
      return query.getMany();
    });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }
}
