/**
 * The open-loop arrival schedule: when each request is meant to be sent, fixed before the run
 * starts. Latency is measured from these intended times, so a slow server cannot hide its latency
 * by delaying the sends that would have measured it (no coordinated omission). Pure.
 */

/** Options of {@link arrivalSchedule}. */
export interface ArrivalScheduleOptions {
  /** Requests per second, constant over the run. */
  readonly ratePerSecond: number;
  /** Measured part of the run, in milliseconds. */
  readonly durationMs: number;
  /** Warm-up before the measured part; its requests are sent but not reported. @default 0 */
  readonly warmupMs?: number;
}

/** Intended send times, in milliseconds from the start of the run, in ascending order. */
export interface ArrivalSchedule {
  /** Intended send time of request `i`, ms from the start (warm-up included). */
  readonly intendedMs: Float64Array;
  /** Requests `0 .. warmupCount-1` belong to the warm-up and are left out of the results. */
  readonly warmupCount: number;
  /** Start of the measured part, ms from the start. */
  readonly measuredFromMs: number;
  /** End of the schedule (warm-up plus duration), ms from the start. */
  readonly endMs: number;
}

/** Most requests one schedule may hold, so a typo in `--rate` cannot exhaust memory. */
export const MAX_SCHEDULED_REQUESTS = 50_000_000;

/**
 * Evenly spaced send times at a constant rate: request `i` is due at `i * 1000 / rate` ms.
 *
 * @example
 * arrivalSchedule({ ratePerSecond: 500, durationMs: 20_000, warmupMs: 2_000 }).intendedMs.length; // 11000
 */
export function arrivalSchedule(options: ArrivalScheduleOptions): ArrivalSchedule {
  const { ratePerSecond, durationMs } = options;
  const warmupMs = options.warmupMs ?? 0;
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError('rate must be > 0');
  if (!(durationMs > 0) || !Number.isFinite(durationMs)) throw new RangeError('duration must be > 0');
  if (!(warmupMs >= 0) || !Number.isFinite(warmupMs)) throw new RangeError('warm-up must be >= 0');
  const intervalMs = 1000 / ratePerSecond;
  const endMs = warmupMs + durationMs;
  // Rounded counts, so 500 req/s for 20 s is exactly 10,000 measured requests.
  const warmupCount = Math.round((warmupMs * ratePerSecond) / 1000);
  const total = warmupCount + Math.round((durationMs * ratePerSecond) / 1000);
  if (total > MAX_SCHEDULED_REQUESTS) {
    throw new RangeError(`schedule of ${total} requests exceeds ${MAX_SCHEDULED_REQUESTS}`);
  }
  const intendedMs = new Float64Array(total);
  for (let i = 0; i < total; i++) intendedMs[i] = i * intervalMs;
  return { intendedMs, warmupCount, measuredFromMs: warmupCount * intervalMs, endMs };
}

/**
 * Index of the first request not yet due at `elapsedMs`, searching from `from`: the driver sends
 * every request in `[from, dueUntil)` when it wakes up.
 */
export function dueUntil(schedule: ArrivalSchedule, elapsedMs: number, from: number): number {
  const times = schedule.intendedMs;
  let i = from;
  while (i < times.length && (times[i] ?? Number.POSITIVE_INFINITY) <= elapsedMs) i++;
  return i;
}
