import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLICATION_LAG,
  describeLag,
  lagSampler,
  parseLagDistribution,
} from '../../scripts/lib/replication/lag-distribution.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';

const parsed = (spec: string) => {
  const result = parseLagDistribution(spec);
  if (!result.ok) throw new Error(result.problem);
  return result.lag;
};

const sample = (spec: string, n = 20_000) => {
  const next = lagSampler(parsed(spec), seededRandom(7));
  return Array.from({ length: n }, next).sort((a, b) => a - b);
};
const quantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('replication lag distributions', () => {
  it.each([
    ['0', { kind: 'fixed', ms: 0 }],
    ['250', { kind: 'fixed', ms: 250 }],
    ['fixed:40', { kind: 'fixed', ms: 40 }],
    ['uniform:100-900', { kind: 'uniform', minMs: 100, maxMs: 900 }],
    ['lognormal:500,1500', { kind: 'lognormal', medianMs: 500, p99Ms: 1500 }],
  ])('reads %s', (spec, expected) => {
    expect(parsed(spec)).toEqual(expected);
    expect(describeLag(parsed(spec))).toBe(spec.replace('fixed:', ''));
  });

  it.each(['', '-5', 'soon', 'uniform:900-100', 'lognormal:0,10', 'lognormal:500,100', '600001', 'fixed:'])(
    'refuses %j with a reason',
    (spec) => {
      const result = parseLagDistribution(spec);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toContain('is not a lag');
    },
  );

  it('keeps the default near "typically within a second": median 500 ms, about 93 % under 1 s', () => {
    const lags = sample(DEFAULT_REPLICATION_LAG);
    expect(quantile(lags, 0.5)).toBeGreaterThan(470);
    expect(quantile(lags, 0.5)).toBeLessThan(530);
    expect(quantile(lags, 0.99)).toBeGreaterThan(1350);
    expect(quantile(lags, 0.99)).toBeLessThan(1650);
    const underASecond = lags.filter((ms) => ms < 1000).length / lags.length;
    expect(underASecond).toBeGreaterThan(0.9);
    expect(underASecond).toBeLessThan(0.96);
  });

  it('draws uniform lags within their bounds and fixed lags exactly', () => {
    const lags = sample('uniform:100-900', 2_000);
    expect(lags[0]).toBeGreaterThanOrEqual(100);
    expect(lags.at(-1)).toBeLessThanOrEqual(900);
    expect(new Set(sample('40', 10))).toEqual(new Set([40]));
  });
});
