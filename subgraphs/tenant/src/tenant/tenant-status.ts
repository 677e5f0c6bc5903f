import type { TenantStatusValue } from './tenant.entity';

/**
 * The lifecycle, as data: trial -> active, active <-> suspended, any live state -> cancelled,
 * cancelled -> purged. Nothing leaves purged. An expired trial moves to the configured state
 * through `trialExpiryAllowed`, not through this table (it is the system's move, not staff's).
 */
const TRANSITIONS: Record<TenantStatusValue, readonly TenantStatusValue[]> = {
  trial: ['active', 'cancelled'],
  active: ['suspended', 'cancelled'],
  suspended: ['active', 'cancelled'],
  cancelled: ['purged'],
  purged: [],
};

export const TENANT_STATUSES = Object.keys(TRANSITIONS) as TenantStatusValue[];

export function canTransition(from: TenantStatusValue, to: TenantStatusValue): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states an expired trial may be configured to become (config/plans.json `trial.onExpiry`). */
export function trialExpiryAllowed(to: TenantStatusValue): boolean {
  return to === 'active' || to === 'suspended' || to === 'cancelled';
}
