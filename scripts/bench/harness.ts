/**
 * The microbenchmark harness: warm-up, a batch size calibrated so one sample lasts long enough
 * for the timer, then N samples of batched iterations, summarised by median and spread.
 */
import { type SampleStatistics, sampleStatistics } from './sample-statistics.ts';

/** A benchmarked operation: sync or async; async ones are awaited one at a time. */
export type BenchOperation = () => unknown;

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Whether the operation returns a promise to await. @default false */
  readonly async?: boolean;
  /** Time spent running the operation before measuring (JIT, caches, connections). @default 300 */
  readonly warmupMs?: number;
  /** Number of samples. @default 25 */
  readonly samples?: number;
  /** Least duration of one sample; the batch size is chosen to reach it. @default 20 */
  readonly minSampleMs?: number;
  /** Fixed operations per sample instead of calibrating (pairs of cases then have equal batches). */
  readonly batch?: number;
  /** Monotonic clock in ms. @default performance.now */
  readonly now?: () => number;
}

/** The result of one benchmark. Times are per operation, in nanoseconds. */
export interface BenchResult extends SampleStatistics {
  readonly name: string;
  /** Operations per sample. */
  readonly batch: number;
  /** Every sample, ns per operation, in the order taken (paired across an interleaved run). */
  readonly perOperationNs: readonly number[];
}

async function runBatch(operation: BenchOperation, batch: number, isAsync: boolean): Promise<void> {
  if (isAsync) for (let i = 0; i < batch; i++) await operation();
  else for (let i = 0; i < batch; i++) operation();
}

/**
 * Calibrates the batch size: doubles it until one batch takes at least `minSampleMs`. Pure given
 * its timing function, for tests.
 */
export async function calibrateBatch(
  timeBatch: (batch: number) => Promise<number>,
  minSampleMs: number,
  maxBatch = 1 << 24,
): Promise<number> {
  let batch = 1;
  for (;;) {
    const ms = await timeBatch(batch);
    if (ms >= minSampleMs || batch >= maxBatch) return batch;
    // Jump straight to the estimated size when the batch already takes measurable time.
    const estimate = ms > minSampleMs / 100 ? Math.ceil((batch * minSampleMs) / ms) : batch * 10;
    batch = Math.min(maxBatch, Math.max(batch * 2, estimate));
  }
}

/** One operation of an interleaved run. */
export interface BenchCase {
  readonly name: string;
  readonly operation: BenchOperation;
  /** @default false */
  readonly async?: boolean;
}

/**
 * Measures several operations with their samples interleaved (A, B, C, A, B, C, ...), so that
 * background load on a shared machine hits each of them alike and their ratios stay fair.
 *
 * @example
 * const [floor, hit] = await measureInterleaved([
 *   { name: 'floor', operation: () => map.get('a') },
 *   { name: 'hit', operation: () => handler(event), async: true },
 * ]);
 */
export async function measureInterleaved(
  cases: readonly BenchCase[],
  options: Omit<MeasureOptions, 'async'> = {},
): Promise<BenchResult[]> {
  const now = options.now ?? (() => performance.now());
  const timers = cases.map((c) => async (batch: number) => {
    const started = now();
    await runBatch(c.operation, batch, c.async ?? false);
    return now() - started;
  });
  const batches: number[] = [];
  for (const [i, c] of cases.entries()) {
    const warmupEnd = now() + (options.warmupMs ?? 300);
    while (now() < warmupEnd) await runBatch(c.operation, 64, c.async ?? false);
    batches.push(
      options.batch ??
        (await calibrateBatch(timers[i] as (batch: number) => Promise<number>, options.minSampleMs ?? 20)),
    );
  }
  const samples: number[][] = cases.map(() => []);
  for (let s = 0; s < (options.samples ?? 25); s++) {
    for (const [i, timeBatch] of timers.entries()) {
      const batch = batches[i] as number;
      samples[i]?.push(((await timeBatch(batch)) * 1e6) / batch);
    }
  }
  return cases.map((c, i) => ({
    name: c.name,
    batch: batches[i] as number,
    ...sampleStatistics(samples[i] ?? []),
    perOperationNs: samples[i] ?? [],
  }));
}

/**
 * Measures one operation.
 *
 * @example
 * const result = await measure('map get', () => map.get('a'));
 * result.median; // ns per call
 */
export async function measure(
  name: string,
  operation: BenchOperation,
  options: MeasureOptions = {},
): Promise<BenchResult> {
  const [result] = await measureInterleaved([{ name, operation, async: options.async ?? false }], options);
  return result as BenchResult;
}
