/**
 * How many runs each fuzz property makes: `FUZZ_RUNS` (set to 20000 by `npm run fuzz`), else a
 * bounded default that keeps `npm test` quick.
 */

/** Runs per property when `FUZZ_RUNS` is unset. */
export const DEFAULT_FUZZ_RUNS = 400;

/**
 * Runs per property from `FUZZ_RUNS`, scaled by `weight` for the slower properties (at least 1).
 * Throws on a value that is not a positive integer, so a typo does not silently run the default.
 */
export function fuzzRuns(weight = 1): number {
  const raw = process.env.FUZZ_RUNS;
  let runs = DEFAULT_FUZZ_RUNS;
  if (raw !== undefined && raw !== '') {
    runs = Number(raw);
    if (!Number.isSafeInteger(runs) || runs < 1) {
      throw new RangeError(`FUZZ_RUNS must be a positive integer (got ${JSON.stringify(raw)})`);
    }
  }
  return Math.max(1, Math.round(runs * weight));
}

/**
 * fast-check parameters for one property: the run count and, when `FUZZ_SEED` is set, the seed to
 * replay a failure fast-check printed.
 */
export function fuzzParameters(weight = 1): { numRuns: number; seed?: number } {
  const seed = process.env.FUZZ_SEED;
  return seed === undefined || seed === ''
    ? { numRuns: fuzzRuns(weight) }
    : { numRuns: fuzzRuns(weight), seed: Number(seed) };
}

/** Test timeout for a property of `weight`: generous, as `npm run fuzz` makes 50 times the runs. */
export function fuzzTimeoutMs(weight = 1): number {
  return 30_000 + fuzzRuns(weight) * 10;
}
