import type { QuotaStatus as QuotaStatusValue } from './quota.service';
import { QuotaCheck, QuotaPeriod, QuotaStatus } from './quota.type';

export function toQuotaStatus(status: QuotaStatusValue): QuotaStatus {
  return Object.assign(new QuotaStatus(), {
    resource: status.resource,
    period: status.period as QuotaPeriod,
    limit: status.limit,
    used: status.used,
    remaining: status.remaining,
    utilisation: status.limit === null ? null : status.limit === 0 ? (status.used > 0 ? 1 : 0) : Math.min(1, status.used / status.limit),
    periodStart: status.periodStart,
    resetsAt: status.resetsAt,
  });
}

export function toQuotaCheck(status: QuotaStatusValue & { allowed: boolean }): QuotaCheck {
  return Object.assign(new QuotaCheck(), toQuotaStatus(status), { allowed: status.allowed });
}
