/**
 * Drives a target on an {@link ArrivalSchedule}: each request is sent when due whatever the state
 * of earlier ones (open loop), and its latency runs from its intended send time, so queueing in
 * the client or the server is measured rather than hidden.
 */
import { type ArrivalSchedule, dueUntil } from './arrival-schedule.ts';
import type { LoadCollector, RequestOutcome } from './load-collector.ts';

/** Time source of the driver: monotonic ms, and a way to wait. Injected so tests use a fake clock. */
export interface DriverClock {
  now(): number;
  /** Resolves after about `ms` milliseconds (0: on the next turn of the event loop). */
  wait(ms: number): Promise<void>;
}

/** The real clock: `performance.now()` and timers. */
export const realDriverClock: DriverClock = {
  now: () => performance.now(),
  wait: (ms) => new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms))),
};

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  readonly schedule: ArrivalSchedule;
  /** Sends request `index`; resolves with what happened. A rejection counts as an error. */
  readonly send: (index: number) => Promise<RequestOutcome>;
  readonly collector: LoadCollector;
  /** @default realDriverClock */
  readonly clock?: DriverClock;
  /** Called when the warm-up is over and the measured part starts (to snapshot counters). */
  readonly onMeasuredStart?: () => void;
  /** Called about every `progressIntervalMs` with the number of requests sent so far. */
  readonly onProgress?: (sent: number) => void;
  /** @default 250 */
  readonly progressIntervalMs?: number;
  /** Stops the run early (Ctrl-C): no further sends; requests in flight get `abortGraceMs` to finish. */
  readonly signal?: AbortSignal;
  /** How long requests in flight may still finish after an abort; later ones are left out. @default 2000 */
  readonly abortGraceMs?: number;
}

/** Timing of a finished run. */
export interface OpenLoopTiming {
  /** Wall ms from the first measured intended send time to the last measured response. */
  readonly measuredWallMs: number;
  /** How far behind schedule the driver fell at worst, in ms (a saturated load generator). */
  readonly maxSendLagMs: number;
  /** Requests sent (warm-up included); fewer than scheduled when interrupted. */
  readonly sent: number;
  /** Whether the signal stopped the run before its schedule ended. */
  readonly interrupted: boolean;
}

/**
 * Sends every scheduled request when due and records measured ones in the collector. Resolves when
 * every request has finished, or after an abort once those in flight finished or their grace ran
 * out (a request finishing later is not recorded).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopTiming> {
  const { schedule, send, collector } = options;
  const clock = options.clock ?? realDriverClock;
  const progressEvery = options.progressIntervalMs ?? 250;
  const total = schedule.intendedMs.length;
  const start = clock.now();
  const measuredStart = start + schedule.measuredFromMs;
  let lastResponse = measuredStart;
  let maxSendLagMs = 0;
  let inFlight = 0;
  let allDone: (() => void) | undefined;
  let measuredStarted = false;
  let lastProgress = start;
  let closed = false;
  const signal = options.signal;
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });

  const fire = (index: number) => {
    const intended = start + (schedule.intendedMs[index] ?? 0);
    const measured = index >= schedule.warmupCount;
    const finish = (outcome: RequestOutcome) => {
      if (closed) return;
      const end = clock.now();
      if (measured) {
        collector.record(end - intended, intended - measuredStart, outcome);
        if (end > lastResponse) lastResponse = end;
      }
      inFlight--;
      if (inFlight === 0) allDone?.();
    };
    inFlight++;
    let pending: Promise<RequestOutcome>;
    try {
      pending = send(index);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(finish, (error: unknown) => finish({ error: errorKind(error) }));
  };

  let next = 0;
  while (next < total && signal?.aborted !== true) {
    const elapsed = clock.now() - start;
    const until = dueUntil(schedule, elapsed, next);
    if (!measuredStarted && until > schedule.warmupCount) {
      measuredStarted = true;
      options.onMeasuredStart?.();
    }
    for (; next < until; next++) {
      maxSendLagMs = Math.max(maxSendLagMs, elapsed - (schedule.intendedMs[next] ?? 0));
      fire(next);
    }
    const now = clock.now();
    if (options.onProgress !== undefined && now - lastProgress >= progressEvery) {
      lastProgress = now;
      options.onProgress(next);
    }
    if (next < total)
      await Promise.race([clock.wait(start + (schedule.intendedMs[next] ?? 0) - clock.now()), aborted]);
  }
  const interrupted = next < total;
  if (!measuredStarted) options.onMeasuredStart?.();
  if (inFlight > 0) {
    const done = new Promise<void>((resolve) => (allDone = resolve));
    await (interrupted ? Promise.race([done, clock.wait(options.abortGraceMs ?? 2000)]) : done);
  }
  closed = true;
  options.onProgress?.(next);
  return { measuredWallMs: Math.max(0, lastResponse - measuredStart), maxSendLagMs, sent: next, interrupted };
}

/** A short, stable name for an error: its code (`ECONNREFUSED`), else its name. */
export function errorKind(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'error';
}
