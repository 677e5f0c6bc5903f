import { MemoryTokenBuckets } from './token-bucket';

describe('MemoryTokenBuckets', () => {
  it('allows the burst, refuses with the time until the next token, and refills over time', async () => {
    let now = 1_000_000;
    const buckets = new MemoryTokenBuckets(10, () => now);
    const spec = { refillPerSecond: 2, capacity: 3 };

    const burst = [await buckets.take('t', spec), await buckets.take('t', spec), await buckets.take('t', spec)];
    const refused = await buckets.take('t', spec);
    now += 500;
    const afterHalfSecond = await buckets.take('t', spec);

    expect(burst.every((d) => d.allowed)).toBe(true);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(afterHalfSecond.allowed).toBe(true);
  });

  it('keeps separate budgets per key and forgets the least recently used beyond its bound', async () => {
    const buckets = new MemoryTokenBuckets(2, () => 0);
    const spec = { refillPerSecond: 1, capacity: 1 };
    await buckets.take('a', spec);
    expect((await buckets.take('b', spec)).allowed).toBe(true);
    expect((await buckets.take('a', spec)).allowed).toBe(false);
    await buckets.take('c', spec); // evicts b
    expect((await buckets.take('b', spec)).allowed).toBe(true);
  });
});
