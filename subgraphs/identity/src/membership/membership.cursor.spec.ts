import { decodeMemberCursor, encodeMemberCursor } from './membership.cursor';

describe('member cursors', () => {
  const cursor = { createdAt: '2026-11-23 10:30:53.123456+00', userId: '9c1f7e2a-0000-4000-8000-000000000001' };

  it('round-trip the microsecond timestamp and user id', () => {
    expect(decodeMemberCursor(encodeMemberCursor(cursor))).toEqual(cursor);
  });

  it('are opaque base64url', () => {
    expect(encodeMemberCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['SQL in the timestamp', Buffer.from(`2026-01-01'; DROP TABLE x;--|${cursor.userId}`).toString('base64url')],
    ['a bad user id', Buffer.from(`${cursor.createdAt}|nope`).toString('base64url')],
    ['extra parts', Buffer.from(`${cursor.createdAt}|${cursor.userId}|x`).toString('base64url')],
  ])('refuse %s', (_label, value) => {
    expect(decodeMemberCursor(value)).toBeUndefined();
  });
});
