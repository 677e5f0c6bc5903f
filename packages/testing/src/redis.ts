/**
 * The Redis server tests may use (REDIS_URL), or undefined: Redis-only tests are then skipped
 * (reported as skipped, not passed). The server is shared: use a unique key prefix per test.
 */
export function testRedisUrl(): string | undefined {
  return process.env.REDIS_URL || undefined;
}
