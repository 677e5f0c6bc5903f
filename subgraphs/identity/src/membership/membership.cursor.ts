/**
 * Opaque member-list cursor: PostgreSQL's own text of created_at (microseconds survive; a JS
 * Date would cut them and repeat rows) and the user id, the list's sort key.
 */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface MemberCursor {
  createdAt: string;
  userId: string;
}

export function encodeMemberCursor(cursor: MemberCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.userId}`).toString('base64url');
}

/** Undefined for anything this module did not produce. */
export function decodeMemberCursor(value: string): MemberCursor | undefined {
  const [createdAt, userId, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !userId || !TIMESTAMP.test(createdAt) || !UUID.test(userId)) return undefined;
  return { createdAt, userId };
}
