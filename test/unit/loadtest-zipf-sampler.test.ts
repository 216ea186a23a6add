import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { zipfCumulative, zipfSampler } from '../../scripts/lib/zipf-sampler.ts';

function histogram(n: number, s: number, draws: number, seed = 7): number[] {
  const sampler = zipfSampler({ n, s, random: seededRandom(seed) });
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) {
    const index = sampler.next();
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const random = seededRandom(seed);
        for (let i = 0; i < 100; i++) {
          const v = random();
          if (!(v >= 0 && v < 1)) return false;
        }
        return true;
      }),
    );
  });
});

describe('zipfCumulative', () => {
  it('ends at exactly 1 and grows', () => {
    const c = zipfCumulative(1000, 1.1);
    expect(c[999]).toBe(1);
    for (let i = 1; i < 1000; i++) expect(c[i]).toBeGreaterThan(c[i - 1] as number);
  });

  it('matches 1/k^s for a small case', () => {
    const c = zipfCumulative(2, 1);
    expect(c[0]).toBeCloseTo(2 / 3, 12);
  });
});

describe('zipfSampler', () => {
  it('draws only indexes in range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer(),
        (n, s, seed) => {
          const sampler = zipfSampler({ n, s, random: seededRandom(seed) });
          for (let i = 0; i < 50; i++) {
            const v = sampler.next();
            if (!Number.isInteger(v) || v < 0 || v >= n) return false;
          }
          return true;
        },
      ),
    );
  });

  it('follows the Zipf frequencies: rank 1 twice as often as rank 2 when s = 1', () => {
    const counts = histogram(100, 1, 100_000);
    const ratio = (counts[0] as number) / (counts[1] as number);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });

  it('is uniform when s = 0', () => {
    const counts = histogram(10, 0, 100_000);
    for (const count of counts) {
      expect(count).toBeGreaterThan(9_000);
      expect(count).toBeLessThan(11_000);
    }
  });

  it('concentrates more traffic on the head as s grows', () => {
    const head = (s: number) =>
      histogram(1000, s, 50_000)
        .slice(0, 10)
        .reduce((a, b) => a + b, 0);
    expect(head(1.1)).toBeGreaterThan(head(0.5));
  });

  it('refuses bad parameters', () => {
    expect(() => zipfSampler({ n: 0, s: 1, random: Math.random })).toThrow(RangeError);
    expect(() => zipfSampler({ n: 10, s: -1, random: Math.random })).toThrow(RangeError);
  });
});
