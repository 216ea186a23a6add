/**
 * A small seeded PRNG (mulberry32), so a load test's host sequence is reproducible from `--seed`.
 */

/** Uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A deterministic generator of uniform numbers in [0, 1) from a 32-bit seed.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // same value on every run
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
