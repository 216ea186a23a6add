/**
 * Statistics of benchmark samples: median, quartiles and median absolute deviation. Pure.
 */

/** Summary of a set of per-operation times, in nanoseconds. */
export interface SampleStatistics {
  readonly samples: number;
  readonly median: number;
  /** 25th percentile. */
  readonly p25: number;
  /** 75th percentile. */
  readonly p75: number;
  /** Median absolute deviation from the median. */
  readonly mad: number;
  readonly min: number;
  readonly max: number;
}

/** The q-quantile (0..1) of sorted values, linearly interpolated. */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

/**
 * Median, quartiles and MAD of samples.
 *
 * @example
 * sampleStatistics([1, 2, 3, 4, 100]).median; // 3
 */
export function sampleStatistics(values: readonly number[]): SampleStatistics {
  if (values.length === 0) throw new RangeError('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const median = quantileOfSorted(sorted, 0.5);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  return {
    samples: sorted.length,
    median,
    p25: quantileOfSorted(sorted, 0.25),
    p75: quantileOfSorted(sorted, 0.75),
    mad: quantileOfSorted(deviations, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}
