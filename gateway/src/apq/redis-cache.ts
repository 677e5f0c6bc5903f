import Redis from 'ioredis';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';

/**
 * Apollo Server's cache (automatic persisted queries) in Redis, so every gateway replica
 * knows a query another one registered. Values expire after their TTL (seconds).
 */
export class RedisKeyValueCache implements KeyValueCache<string> {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'tenantry:apq:',
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl;
    if (ttl) await this.redis.set(this.prefix + key, value, 'EX', Math.ceil(ttl));
    else await this.redis.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
