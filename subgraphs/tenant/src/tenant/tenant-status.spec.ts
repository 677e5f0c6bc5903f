import { TENANT_STATUSES, canTransition, trialExpiryAllowed } from './tenant-status';
import type { TenantStatusValue } from './tenant.entity';

const ALLOWED = new Set([
  'trial->active',
  'trial->cancelled',
  'active->suspended',
  'active->cancelled',
  'suspended->active',
  'suspended->cancelled',
  'cancelled->purged',
]);

const pairs: [TenantStatusValue, TenantStatusValue, boolean][] = TENANT_STATUSES.flatMap((from) =>
  TENANT_STATUSES.map((to): [TenantStatusValue, TenantStatusValue, boolean] => [from, to, ALLOWED.has(`${from}->${to}`)]),
);

describe('tenant status transitions', () => {
  it('covers every one of the 25 from/to pairs', () => {
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('lets an expired trial become active, suspended or cancelled, never purged or trial', () => {
    expect(TENANT_STATUSES.filter(trialExpiryAllowed)).toEqual(['active', 'suspended', 'cancelled']);
  });
});
