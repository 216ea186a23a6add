import { describe, expect, it } from 'vitest';
import { calibrateBatch, measure, measureInterleaved } from '../../scripts/bench/harness.ts';
import { quantileOfSorted, sampleStatistics } from '../../scripts/bench/sample-statistics.ts';

describe('sampleStatistics', () => {
  it('gives the median, quartiles and MAD, robust to an outlier', () => {
    const s = sampleStatistics([5, 1, 3, 2, 4, 1000]);
    expect(s.median).toBe(3.5);
    expect(s.p25).toBe(2.25);
    expect(s.p75).toBe(4.75);
    expect(s.mad).toBe(1.5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(1000);
    expect(s.samples).toBe(6);
  });

  it('refuses an empty set', () => {
    expect(() => sampleStatistics([])).toThrow(RangeError);
  });

  it('interpolates quantiles', () => {
    expect(quantileOfSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileOfSorted([7], 0.9)).toBe(7);
  });
});

describe('calibrateBatch', () => {
  it('grows the batch until one sample lasts the minimum time', async () => {
    // 0.001 ms per operation: 20 ms needs 20,000 operations.
    const tried: number[] = [];
    const batch = await calibrateBatch(async (n) => {
      tried.push(n);
      return n * 0.001;
    }, 20);
    expect(batch).toBeGreaterThanOrEqual(20_000);
    expect(batch).toBeLessThan(40_000);
    expect(tried[0]).toBe(1);
  });

  it('stops at the maximum batch', async () => {
    expect(await calibrateBatch(async () => 0, 20, 1024)).toBe(1024);
  });
});

describe('measure', () => {
  it('reports per-operation time from a fake clock: warm-up, calibration, then samples', async () => {
    let now = 0;
    let calls = 0;
    const result = await measure(
      'op',
      () => {
        calls++;
        now += 0.002; // 2 µs per call
      },
      { now: () => now, warmupMs: 1, samples: 5, minSampleMs: 1 },
    );
    expect(result.name).toBe('op');
    expect(result.samples).toBe(5);
    expect(result.median).toBeCloseTo(2_000, 3);
    expect(result.mad).toBeCloseTo(0, 3);
    expect(result.batch).toBeGreaterThanOrEqual(500);
    expect(calls).toBeGreaterThan(5 * result.batch);
  });

  it('awaits async operations one at a time', async () => {
    let inFlight = 0;
    let most = 0;
    await measure(
      'async',
      async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await Promise.resolve();
        inFlight--;
      },
      { async: true, warmupMs: 1, samples: 2, minSampleMs: 1 },
    );
    expect(most).toBe(1);
  });
});

describe('measureInterleaved', () => {
  it('alternates the samples of its cases and keeps a fixed batch when given one', async () => {
    const order: string[] = [];
    const results = await measureInterleaved(
      [
        { name: 'a', operation: () => order.push('a') },
        { name: 'b', operation: () => order.push('b') },
      ],
      { warmupMs: 0, samples: 3, batch: 2 },
    );
    expect(results.map((r) => [r.name, r.batch, r.perOperationNs.length])).toEqual([
      ['a', 2, 3],
      ['b', 2, 3],
    ]);
    expect(order.join('')).toBe('aabbaabbaabb');
  });
});
