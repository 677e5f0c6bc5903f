import { ABSOLUTE_PERIOD_START, periodWindow } from './period';

describe('periodWindow', () => {
  const at = new Date('2026-12-31T23:59:59.999Z');

  it('rolls the month over into the next year in UTC', () => {
    expect(periodWindow('month', at)).toEqual({ start: new Date('2026-12-01T00:00:00Z'), resetsAt: new Date('2027-01-01T00:00:00Z') });
  });

  it('cuts hours and days on UTC boundaries', () => {
    expect(periodWindow('hour', at)).toEqual({ start: new Date('2026-12-31T23:00:00Z'), resetsAt: new Date('2027-01-01T00:00:00Z') });
    expect(periodWindow('day', at)).toEqual({ start: new Date('2026-12-31T00:00:00Z'), resetsAt: new Date('2027-01-01T00:00:00Z') });
  });

  it('never resets absolute resources', () => {
    expect(periodWindow('absolute', at)).toEqual({ start: ABSOLUTE_PERIOD_START, resetsAt: null });
  });
});
