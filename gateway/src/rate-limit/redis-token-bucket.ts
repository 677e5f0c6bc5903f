import Redis from 'ioredis';
import type { BucketSpec, RateDecision, TokenBuckets } from './token-bucket';

/**
 * Refill and take in one atomic script, on the Redis server's clock, so replicas with skewed
 * clocks still share one budget exactly.
 */
const TAKE = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + (now - at) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, math.ceil(capacity * 1000 / rate) + 1000)
return {allowed, retry}
`;

export class RedisTokenBuckets implements TokenBuckets {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'tenantry:rate:',
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    this.redis.defineCommand('tenantryTake', { numberOfKeys: 1, lua: TAKE });
  }

  async take(key: string, spec: BucketSpec, cost = 1): Promise<RateDecision> {
    const run = (this.redis as unknown as { tenantryTake: (...args: (string | number)[]) => Promise<[number, number]> }).tenantryTake;
    const [allowed, retryAfterMs] = await run.call(this.redis, this.prefix + key, spec.refillPerSecond, spec.capacity, cost);
    return { allowed: allowed === 1, retryAfterMs };
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
