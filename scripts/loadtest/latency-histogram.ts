/**
 * Latency recording on an HdrHistogram (hdr-histogram-js): values are kept in microseconds with
 * three significant digits, and reported in milliseconds.
 */
import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of one set of latencies, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** One point of a percentile distribution: `percentile` of values are at or below `ms`. */
export interface PercentilePoint {
  readonly percentile: number;
  readonly ms: number;
}

/** Percentiles plotted by the distribution chart, denser towards the tail. */
export const DISTRIBUTION_PERCENTILES: readonly number[] = [
  0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100,
];

/** Longest latency the histogram tracks: one hour, in microseconds. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

/** An HdrHistogram of latencies. */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  /** Records one latency in milliseconds (sub-microsecond values count as 1 µs). */
  record(ms: number): void {
    const us = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * 1000)));
    this.#histogram.recordValue(us);
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Adds every value of another histogram. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }

  /** Latency at a percentile (0-100), in ms; 0 when empty. */
  at(percentile: number): number {
    if (this.count === 0) return 0;
    // HdrHistogram reports the top of a value's bucket; never report more than the real maximum.
    return Math.min(this.#histogram.getValueAtPercentile(percentile), this.#histogram.maxValue) / 1000;
  }

  /** Count, mean and the reported percentiles, in ms. All zero when empty. */
  summary(): LatencySummary {
    const h = this.#histogram;
    if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    return {
      count: h.totalCount,
      min: h.minNonZeroValue / 1000,
      mean: h.mean / 1000,
      p50: this.at(50),
      p90: this.at(90),
      p99: this.at(99),
      p999: this.at(99.9),
      max: h.maxValue / 1000,
    };
  }

  /** The latency at each of `percentiles`, for the distribution chart. */
  distribution(percentiles: readonly number[] = DISTRIBUTION_PERCENTILES): PercentilePoint[] {
    if (this.count === 0) return [];
    return percentiles.map((percentile) => ({
      percentile,
      ms: this.at(percentile),
    }));
  }
}
