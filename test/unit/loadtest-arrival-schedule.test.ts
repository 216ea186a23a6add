import { describe, expect, it } from 'vitest';
import { arrivalSchedule, dueUntil } from '../../scripts/loadtest/arrival-schedule.ts';

describe('arrivalSchedule', () => {
  it('spaces requests evenly at the requested rate', () => {
    const schedule = arrivalSchedule({ ratePerSecond: 500, durationMs: 20_000 });
    expect(schedule.intendedMs.length).toBe(10_000);
    expect(schedule.intendedMs[0]).toBe(0);
    expect(schedule.intendedMs[1]).toBeCloseTo(2, 10);
    expect(schedule.intendedMs[9_999]).toBeCloseTo(19_998, 6);
    expect(schedule.endMs).toBe(20_000);
  });

  it('puts the warm-up first and excludes it by count', () => {
    const schedule = arrivalSchedule({ ratePerSecond: 100, durationMs: 1_000, warmupMs: 500 });
    expect(schedule.warmupCount).toBe(50);
    expect(schedule.intendedMs.length).toBe(150);
    expect(schedule.measuredFromMs).toBeCloseTo(500, 6);
    expect(schedule.intendedMs[schedule.warmupCount]).toBeCloseTo(500, 6);
  });

  it('handles fractional rates', () => {
    const schedule = arrivalSchedule({ ratePerSecond: 0.5, durationMs: 10_000 });
    expect([...schedule.intendedMs]).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it.each([
    [{ ratePerSecond: 0, durationMs: 1000 }],
    [{ ratePerSecond: -1, durationMs: 1000 }],
    [{ ratePerSecond: 10, durationMs: 0 }],
    [{ ratePerSecond: 10, durationMs: 1000, warmupMs: -1 }],
    [{ ratePerSecond: Number.POSITIVE_INFINITY, durationMs: 1000 }],
    [{ ratePerSecond: 1e9, durationMs: 1e9 }],
  ])('refuses %j', (options) => {
    expect(() => arrivalSchedule(options)).toThrow(RangeError);
  });
});

describe('dueUntil', () => {
  const schedule = arrivalSchedule({ ratePerSecond: 1000, durationMs: 10 });

  it('returns every request due by the elapsed time', () => {
    expect(dueUntil(schedule, 0, 0)).toBe(1);
    expect(dueUntil(schedule, 3.5, 0)).toBe(4);
    expect(dueUntil(schedule, 3.5, 2)).toBe(4);
  });

  it('stops at the end of the schedule', () => {
    expect(dueUntil(schedule, 1e9, 0)).toBe(10);
  });

  it('never goes back before the starting index', () => {
    expect(dueUntil(schedule, 0, 5)).toBe(5);
  });
});
