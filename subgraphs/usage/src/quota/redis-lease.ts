import Redis from 'ioredis';

/** What Redis holds of the one open lease of a counter: which lease, its size, how much is handed out. */
export interface LeaseInRedis {
  leaseId: string;
  granted: number;
  /** The limit the lease was granted under (null: unlimited), so a take needs no database read. */
  limit: number | null;
  expiresInMs: number;
}

/** Units handed out of a lease: [offset, offset + amount) of it, and what it has left after. */
export interface LeaseTake {
  leaseId: string;
  offset: number;
  remaining: number;
  limit: number | null;
}

// Hands out `amount` units of the counter's lease, or nothing: one atomic script, so concurrent
// takers on any number of replicas get disjoint unit ranges.
const TAKE = `
local state = redis.call('HMGET', KEYS[1], 'id', 'granted', 'next', 'limit')
if not state[1] then return false end
local granted = tonumber(state[2])
local nextUnit = tonumber(state[3])
local amount = tonumber(ARGV[1])
if nextUnit + amount > granted then return false end
redis.call('HSET', KEYS[1], 'next', nextUnit + amount)
return {state[1], nextUnit, granted - nextUnit - amount, state[4]}
`;

// A lease replaces an older one (lease ids grow within a tenant; the older one was settled in
// PostgreSQL before this one could be granted), never a newer one, and disappears when it expires.
const INSTALL = `
local current = redis.call('HGET', KEYS[1], 'id')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'granted', ARGV[2], 'next', 0, 'limit', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

// Forgets a lease PostgreSQL refused (settled meanwhile), unless a newer one took its place.
const DROP = `
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The Redis side of quota leases (ADR 0020). Redis only says which units of an open lease a
 * consumer may try to record; PostgreSQL decides whether the grant stands.
 */
export class RedisLeases {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // No offline queue: while Redis is away a take fails at once and the caller uses PostgreSQL.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // reported by the failing command; the caller falls back
    this.redis.defineCommand('tenantryLeaseTake', { numberOfKeys: 1, lua: TAKE });
    this.redis.defineCommand('tenantryLeaseInstall', { numberOfKeys: 1, lua: INSTALL });
    this.redis.defineCommand('tenantryLeaseDrop', { numberOfKeys: 1, lua: DROP });
  }

  /** Waits until connected (start-up and tests); commands before then fail over to PostgreSQL. */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.redis.once('ready', resolve);
      this.redis.once('end', () => reject(new Error('Redis connection ended')));
    });
  }

  key(tenantId: string, resource: string, periodStart: Date): string {
    return `${this.prefix}lease:${tenantId}:${resource}:${periodStart.getTime()}`;
  }

  async take(key: string, amount: number): Promise<LeaseTake | null> {
    const result = (await this.script('tenantryLeaseTake')(key, amount)) as [string, number, number, string] | null;
    if (!result) return null;
    return {
      leaseId: result[0],
      offset: Number(result[1]),
      remaining: Number(result[2]),
      limit: result[3] === '' ? null : Number(result[3]),
    };
  }

  async install(key: string, lease: LeaseInRedis): Promise<void> {
    await this.script('tenantryLeaseInstall')(
      key,
      lease.leaseId,
      lease.granted,
      lease.limit ?? '',
      Math.max(1, Math.round(lease.expiresInMs)),
    );
  }

  async drop(key: string, leaseId: string): Promise<void> {
    await this.script('tenantryLeaseDrop')(key, leaseId);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private script(name: string): Script {
    const fn = (this.redis as unknown as Record<string, Script>)[name]!;
    return fn.bind(this.redis);
  }
}
