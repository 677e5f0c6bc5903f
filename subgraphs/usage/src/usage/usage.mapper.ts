import type { UsageCounterEntity } from './usage-counter.entity';
import { UsageCounter } from './usage-counter.type';

export function toUsageCounter(entity: UsageCounterEntity): UsageCounter {
  return Object.assign(new UsageCounter(), {
    resource: entity.resource,
    periodStart: entity.periodStart,
    used: Number(entity.used),
    updatedAt: entity.updatedAt,
  });
}
