import { createMember, createTenant, createTestDatabase, graphql, startStack, type Stack, type TestDatabase } from '@tenantry/testing';

// Free plan: 1,000 requests per hour; with 36 s of burst a bucket holds 10 requests.
const BURST = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_BURST_SECONDS: '36' };
const QUERY = '{ currentTenant { id } }';

async function tenantToken(db: TestDatabase, stack: Stack, plan: string) {
  const tenant = await createTenant(db.dataSource, { plan });
  const member = await createMember(db.dataSource, tenant.id, 'member');
  return stack.token({ userId: member.id, tenantId: tenant.id, role: 'member', plan });
}

async function statuses(urls: string[], token: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await graphql(urls[i % urls.length]!, QUERY, { token })).status);
  return out;
}

describe('per-tenant rate limit at the gateway', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url, { ...BURST, REDIS_URL: '' });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it("refuses a tenant past its plan's burst with HTTP 429, RATE_LIMITED, the limit and Retry-After", async () => {
    const token = await tenantToken(db, stack, 'free');

    const codes = await statuses([stack.gatewayUrl], token, 10);
    const refused = await graphql(stack.gatewayUrl, QUERY, { token });

    expect(codes).toEqual(Array(10).fill(200));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      limitPerHour: 1000,
      retryAfterSeconds: expect.any(Number),
    });
    expect(refused.body.data).toBeUndefined();
  });

  it("keeps each tenant's budget its own, and follows the plan", async () => {
    const noisy = await tenantToken(db, stack, 'free');
    const quiet = await tenantToken(db, stack, 'free');
    const enterprise = await tenantToken(db, stack, 'enterprise');

    await statuses([stack.gatewayUrl], noisy, 12);

    expect(await statuses([stack.gatewayUrl], quiet, 5)).toEqual(Array(5).fill(200));
    expect(await statuses([stack.gatewayUrl], enterprise, 30)).toEqual(Array(30).fill(200));
  });
});

const redisUrl = process.env.REDIS_URL;
// Needs a Redis server: .ci/run sets REDIS_URL when this machine runs one; without it the
// shared-budget case cannot be exercised and is reported as skipped, not passed.
(redisUrl ? describe : describe.skip)('rate limit shared by two gateway replicas through Redis', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db.url, { ...BURST, REDIS_URL: redisUrl! });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('grants one budget across both replicas, not one each', async () => {
    const second = await stack.addGateway();
    const token = await tenantToken(db, stack, 'free');

    const codes = await statuses([stack.gatewayUrl, second], token, 24);

    const granted = codes.filter((c) => c === 200).length;
    // 10 in the bucket, plus at most a token or two refilled while the requests run.
    expect(granted).toBeGreaterThanOrEqual(10);
    expect(granted).toBeLessThanOrEqual(12);
    expect(codes.filter((c) => c === 429)).toHaveLength(24 - granted);
  });
});
