/**
 * A fixed-size log-bucket histogram of latencies, for the metrics the container aggregates between
 * flushes: recording is an index computation and one increment into a preallocated array (no
 * allocation), and the whole interval comes out as a bounded list of values for EMF.
 */

/** Smallest latency told apart, ms; anything below counts in the first bucket. */
const MIN_MS = 0.01;
/** Largest latency told apart, ms (twice the origin-request limit); anything above counts in the last. */
const MAX_MS = 60_000;
/** Ratio between the bounds of one bucket: a recorded value is known within ±5 %. */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 1;

/** The value standing for bucket `i`: the geometric middle of its bounds, to 3 significant digits. */
function representative(i: number): number {
  return Number((MIN_MS * GROWTH ** (i + 0.5)).toPrecision(3));
}

/** A latency histogram; reset after each flush. */
export interface LatencyHistogram {
  /** Counts one latency in ms (negative and non-finite values are ignored). */
  record(ms: number): void;
  /** Latencies recorded since the last reset. */
  readonly count: number;
  /**
   * The recorded distribution as at most `maxValues` values, ascending: every latency as its
   * bucket's value while they fit; beyond that a proportional sample of the buckets that keeps
   * every non-empty bucket (so the maximum stays visible) and the shape of the distribution.
   */
  values(maxValues: number): number[];
  reset(): void;
}

/** A fresh, empty histogram. */
export function createLatencyHistogram(): LatencyHistogram {
  const counts = new Uint32Array(BUCKETS);
  let total = 0;
  return {
    record(ms) {
      if (!(ms >= 0) || ms === Number.POSITIVE_INFINITY) return;
      const index = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
      counts[index] = (counts[index] as number) + 1;
      total++;
    },
    get count() {
      return total;
    },
    values(maxValues) {
      const shares = sampleSizes(counts, total, maxValues);
      const values: number[] = [];
      for (let i = 0; i < BUCKETS; i++) {
        const n = shares[i] as number;
        if (n > 0) {
          const value = representative(i);
          for (let k = 0; k < n; k++) values.push(value);
        }
      }
      return values;
    },
    reset() {
      counts.fill(0);
      total = 0;
    },
  };
}

/**
 * How many values each bucket gets: its count when everything fits in `max`, else a share of `max`
 * proportional to its count (largest remainders first), at least one for every non-empty bucket.
 */
function sampleSizes(counts: Uint32Array, total: number, max: number): number[] {
  if (total <= max) return [...counts];
  const nonEmpty = counts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  const spare = Math.max(0, max - nonEmpty);
  const exact = [...counts].map((c) => (c === 0 ? 0 : (c / total) * spare));
  const sizes = exact.map((x, i) => ((counts[i] as number) > 0 ? 1 + Math.floor(x) : 0));
  let left = spare - exact.reduce((n, x) => n + Math.floor(x), 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if ((counts[i] as number) > 0) {
      sizes[i] = (sizes[i] as number) + 1;
      left--;
    }
  }
  return sizes;
}
