/**
 * Popularity of tenants: uniform, or Zipf (rank k drawn with probability proportional to 1/k^s),
 * sampled by inverse CDF over a precomputed cumulative table. Pure given its random source.
 */
import type { RandomSource } from './seeded-random.ts';

/** Draws indexes in `[0, n)`: 0 is the most popular under Zipf. */
export interface IndexSampler {
  /** Number of distinct indexes. */
  readonly size: number;
  next(): number;
}

/**
 * A sampler over `n` items: uniform when `s` is 0, Zipf with exponent `s` otherwise.
 *
 * @example
 * const sampler = zipfSampler({ n: 10_000, s: 1.1, random: seededRandom(1) });
 * sampler.next(); // 0 most often
 */
export function zipfSampler(options: { n: number; s: number; random: RandomSource }): IndexSampler {
  const { n, s, random } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a whole number >= 1');
  if (!(s >= 0) || !Number.isFinite(s)) throw new RangeError('s must be >= 0');
  if (s === 0) return { size: n, next: () => Math.min(n - 1, Math.floor(random() * n)) };
  const cumulative = zipfCumulative(n, s);
  return {
    size: n,
    next() {
      const u = random();
      // First index whose cumulative probability exceeds u.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] ?? 1) > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

/** Cumulative Zipf probabilities of ranks 1..n; the last entry is exactly 1. */
export function zipfCumulative(n: number, s: number): Float64Array {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cumulative[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cumulative[i] = (cumulative[i] ?? 0) / sum;
  cumulative[n - 1] = 1;
  return cumulative;
}
