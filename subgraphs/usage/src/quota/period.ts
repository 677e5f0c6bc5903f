import type { ResourcePeriod } from '@tenantry/plans';

/** Time source, injectable so tests can cross a period boundary. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Absolute resources (seats, storage) never reset: one counter row for all time. */
export const ABSOLUTE_PERIOD_START = new Date(Date.UTC(1970, 0, 1));

export interface PeriodWindow {
  start: Date;
  /** When the counter starts again from zero; null for absolute resources. */
  resetsAt: Date | null;
}

/** The UTC window of `period` that contains `now`. */
export function periodWindow(period: ResourcePeriod, now: Date): PeriodWindow {
  const y = now.getUTCFullYear();
  const mo = now.getUTCMonth();
  const d = now.getUTCDate();
  const h = now.getUTCHours();
  switch (period) {
    case 'absolute':
      return { start: ABSOLUTE_PERIOD_START, resetsAt: null };
    case 'hour':
      return { start: new Date(Date.UTC(y, mo, d, h)), resetsAt: new Date(Date.UTC(y, mo, d, h + 1)) };
    case 'day':
      return { start: new Date(Date.UTC(y, mo, d)), resetsAt: new Date(Date.UTC(y, mo, d + 1)) };
    case 'month':
      return { start: new Date(Date.UTC(y, mo, 1)), resetsAt: new Date(Date.UTC(y, mo + 1, 1)) };
  }
}
