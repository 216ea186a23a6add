/**
 * Time for the replicator, injected: the real clock and timers by default, a hand-moved one in
 * tests, so "visible after the lag and not before" is asserted without sleeping.
 */

/** A cancellable timer. */
export interface Timer {
  cancel(): void;
}

/** A clock and timers. */
export interface Scheduler {
  /** Milliseconds, monotonic within one scheduler. */
  now(): number;
  /** Runs `run` once, `ms` from now. */
  setTimer(ms: number, run: () => void): Timer;
}

/** The wall clock and Node's timers. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer(ms, run) {
    const timer = setTimeout(run, Math.max(0, ms));
    // A pending replication must not keep a finished process alive.
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
