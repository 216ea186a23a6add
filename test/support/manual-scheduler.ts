/**
 * A {@link Scheduler} the test moves by hand: timers fire only inside `advance`, in due order, so
 * a test says exactly when a replicated write is due instead of sleeping.
 */
import type { Scheduler } from '../../scripts/lib/replication/scheduler.ts';

/** A scheduler plus its control. */
export interface ManualScheduler extends Scheduler {
  /** Moves time forward by `ms`, running every timer that falls due, earliest first. */
  advance(ms: number): void;
  /** Timers not yet run. */
  readonly pendingTimers: number;
}

/** A manual scheduler starting at `start` ms. */
export function manualScheduler(start = 1_000_000): ManualScheduler {
  let time = start;
  let sequence = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => time,
    setTimer(ms, run) {
      const id = sequence++;
      timers.set(id, { at: time + Math.max(0, ms), run });
      return { cancel: () => timers.delete(id) };
    },
    advance(ms) {
      const until = time + ms;
      for (;;) {
        const next = [...timers]
          .filter(([, t]) => t.at <= until)
          .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (next === undefined) break;
        timers.delete(next[0]);
        time = Math.max(time, next[1].at);
        next[1].run();
      }
      time = until;
    },
    get pendingTimers() {
      return timers.size;
    },
  };
}
