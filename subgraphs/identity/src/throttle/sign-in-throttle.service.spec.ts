import { accountKey, lockSeconds } from './sign-in-throttle.service';

describe('sign-in backoff', () => {
  const settings = { baseLockSeconds: 30, maxLockSeconds: 900 };

  it('locks nobody below the allowance', () => {
    expect([1, 2, 3, 4].map((n) => lockSeconds(n, 5, settings))).toEqual([0, 0, 0, 0]);
  });

  it('doubles from the base with every failure past the allowance, up to the cap', () => {
    expect([5, 6, 7, 8, 9, 10, 50].map((n) => lockSeconds(n, 5, settings))).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('keys accounts by a hash of the email, not the email', () => {
    expect(accountKey('pat@example.test')).toMatch(/^account:[0-9a-f]{64}$/);
    expect(accountKey('pat@example.test')).not.toContain('pat');
  });
});
