/**
 * A wall clock the test moves by hand, for TTL logic without sleeping.
 */
import type { Clock } from '../../edge/tenant-store.ts';

/** A {@link Clock} plus controls. */
export interface FakeClock {
  /** The clock function to inject. */
  readonly now: Clock;
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time. */
  set(epochMs: number): void;
}

/** A fake clock starting at `start`. @default 2026-01-01T00:00:00Z */
export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
    set(epochMs) {
      time = epochMs;
    },
  };
}
