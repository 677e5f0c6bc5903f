import { createTestDatabase, errorCodes, graphql, startStack, type Stack, type TestDatabase } from '@tenantry/testing';
import { PASSWORD, SIGN_IN, signUp, uniqueEmail } from './auth-flows';

/** Brute-force protection on sign-in, per account and per client address, with exponential backoff. */
describe('sign-in throttling through the gateway', () => {
  let db: TestDatabase;
  let stack: Stack;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Small allowances so a test can cross them; every request here comes from 127.0.0.1.
    stack = await startStack(db.url, {
      SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '3',
      SIGN_IN_MAX_FAILURES_PER_IP: '12',
      SIGN_IN_LOCK_BASE_SECONDS: '30',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  const attempt = (email: string, password: string) => graphql(stack.gatewayUrl, SIGN_IN, { variables: { input: { email, password } } });
  const lockOf = async (email: string) =>
    (
      await db.dataSource.query(
        `SELECT failures, ceil(extract(epoch FROM locked_until - now()))::int AS seconds
           FROM platform.sign_in_throttle WHERE key = 'account:' || encode(sha256($1::bytea), 'hex')`,
        [Buffer.from(email.toLowerCase())],
      )
    )[0] as { failures: number; seconds: number | null } | undefined;

  it('locks an account after the allowed failures, refusing even the right password, with a retry hint', async () => {
    const email = uniqueEmail('target');
    await signUp(stack.gatewayUrl, { email });
    for (let i = 0; i < 3; i += 1) expect(errorCodes(await attempt(email, `wrong-guess-${i}-xyz`))).toEqual(['UNAUTHENTICATED']);

    const locked = await attempt(email, PASSWORD);
    expect(locked.body.errors?.[0]?.extensions).toEqual(
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }),
    );
    expect(locked.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(25);
  });

  // Address counts carry over between tests in this file; each account test starts them afresh.
  beforeEach(() => db.dataSource.query(`DELETE FROM platform.sign_in_throttle WHERE key LIKE 'ip:%'`));

  it('backs off exponentially, and a success after the lock clears the account', async () => {
    const email = uniqueEmail('backoff');
    await signUp(stack.gatewayUrl, { email });
    const expire = () =>
      db.dataSource.query(`UPDATE platform.sign_in_throttle SET locked_until = now() - interval '1 second' WHERE key LIKE 'account:%'`);
    for (let i = 0; i < 3; i += 1) await attempt(email, `wrong-${i}-guess-xyz`);
    expect((await lockOf(email))!.seconds).toBeGreaterThan(25);
    await expire();
    await attempt(email, 'wrong-again-guess-xyz');
    const doubled = (await lockOf(email))!;
    expect([doubled.failures, doubled.seconds! > 55 && doubled.seconds! <= 60]).toEqual([4, true]);

    await expire();
    expect(errorCodes(await attempt(email, PASSWORD))).toEqual([]);
    expect(await lockOf(email)).toBeUndefined();
  });

  it('locks an unknown email exactly like a known one (a lockout reveals nothing)', async () => {
    const known = uniqueEmail('known');
    await signUp(stack.gatewayUrl, { email: known });
    const unknown = uniqueEmail('unknown');
    for (let i = 0; i < 3; i += 1) {
      await attempt(known, `nope-${i}-guess-xyz`);
      await attempt(unknown, `nope-${i}-guess-xyz`);
    }
    const a = await attempt(known, 'nope-final-guess-xyz');
    const b = await attempt(unknown, 'nope-final-guess-xyz');
    expect(errorCodes(a)).toEqual(['RATE_LIMITED']);
    expect(errorCodes(b)).toEqual(['RATE_LIMITED']);
    expect(b.body.errors?.[0]?.message).toBe(a.body.errors?.[0]?.message);
  });

  it('locks a client address that sprays many accounts, even for an untouched account', async () => {
    await db.dataSource.query(`DELETE FROM platform.sign_in_throttle`);
    const victim = uniqueEmail('victim');
    await signUp(stack.gatewayUrl, { email: victim });
    for (let i = 0; i < 12; i += 1) await attempt(uniqueEmail(`spray${i}`), 'spring-guess-2026');
    const res = await attempt(victim, PASSWORD);
    expect(errorCodes(res)).toEqual(['RATE_LIMITED']);
    const [ip] = await db.dataSource.query(`SELECT key FROM platform.sign_in_throttle WHERE key LIKE 'ip:%'`);
    expect(ip.key).toMatch(/^ip:.*127\.0\.0\.1$/);
  });
});
