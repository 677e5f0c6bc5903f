/** A decision for one request: allowed, or how long until enough tokens are back. */
export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

export interface BucketSpec {
  /** Tokens added per second. */
  refillPerSecond: number;
  /** Most tokens a bucket holds (the burst). */
  capacity: number;
}

/** Token buckets by key; in memory for one replica, in Redis to share a budget across replicas. */
export interface TokenBuckets {
  take(key: string, spec: BucketSpec, cost?: number): Promise<RateDecision>;
  close(): Promise<void>;
}

/** Buckets for one process. Bounded: the least recently used keys are forgotten first. */
export class MemoryTokenBuckets implements TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  async take(key: string, spec: BucketSpec, cost = 1): Promise<RateDecision> {
    const now = this.now();
    const previous = this.buckets.get(key);
    const refilled = previous
      ? Math.min(spec.capacity, previous.tokens + ((now - previous.at) / 1000) * spec.refillPerSecond)
      : spec.capacity;
    const allowed = refilled >= cost;
    const tokens = allowed ? refilled - cost : refilled;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return { allowed, retryAfterMs: allowed ? 0 : Math.ceil(((cost - tokens) / spec.refillPerSecond) * 1000) };
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
