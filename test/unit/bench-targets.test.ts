import { describe, expect, it } from 'vitest';
import { formatHotPaths, formatNs, formatTargets } from '../../scripts/bench/bench-report.ts';
import { checkTargets, missOverheadNs } from '../../scripts/bench/bench-targets.ts';
import type { BenchResult } from '../../scripts/bench/harness.ts';
import { HOT_PATHS, type HotPath } from '../../scripts/bench/hot-path-benchmarks.ts';
import { sampleStatistics } from '../../scripts/bench/sample-statistics.ts';

function result(name: string, samples: number[]): BenchResult {
  return { name, batch: 10, ...sampleStatistics(samples), perOperationNs: samples };
}

function hotPaths(overrides: Partial<Record<HotPath, number[]>>): Record<HotPath, BenchResult> {
  const base: Record<HotPath, number[]> = {
    floor: [100, 100, 100],
    'floor-async': [120, 120, 120],
    'floor-custom-zipf': [400, 400, 400],
    'cache-hit-custom-zipf': [1_600, 1_600, 1_600],
    'cache-miss-custom': [2_300_000, 2_400_000, 2_350_000],
    'host-parse': [300, 300, 300],
    'event-rewrite': [150, 150, 150],
    'route-core': [600, 600, 600],
    'cache-hit': [900, 900, 900],
    'cache-miss': [1_200_000, 1_300_000, 1_250_000],
    'raw-getitem': [1_000_000, 1_100_000, 1_050_000],
    ...overrides,
  };
  return Object.fromEntries(HOT_PATHS.map((p) => [p, result(p, base[p])])) as Record<HotPath, BenchResult>;
}

describe('checkTargets', () => {
  it('compares hit latency, the ratio to the floor, miss overhead, heap and bundle with their targets', () => {
    const checks = checkTargets({
      hotPaths: hotPaths({}),
      heap: [
        { kind: 'platform', tenants: 100_000, bytes: 17_000_000, bytesPerTenant: 170, fixedBytes: 1 },
        { kind: 'custom', tenants: 100_000, bytes: 36_000_000, bytesPerTenant: 360, fixedBytes: 1 },
        { kind: 'wildcard', tenants: 100_000, bytes: 50_000_000, bytesPerTenant: 500, fixedBytes: 1 },
      ],
      bundle: { bytes: 600_000, gzipBytes: 180_000, loadMs: sampleStatistics([20, 22, 21]) },
    });
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['cache hit median (whole handler)']).toMatchObject({ value: 0.9, met: true });
    expect(byName['cache hit / floor (Map.get + rewrite)']).toMatchObject({ value: 9, met: true });
    expect(byName['cache miss: router time on top of raw GetItem']?.value).toBeCloseTo(0.2, 6);
    expect(byName['cache miss: router time on top of raw GetItem']?.met).toBe(true);
    expect(byName['heap per cached platform tenant']).toMatchObject({ value: 170, met: true });
    expect(byName['custom-domain Zipf hit / async floor, fresh events']).toMatchObject({
      value: 4,
      met: undefined,
    });
    expect(byName['cache hit / async floor']?.value).toBeCloseTo(7.5, 6);
    // Paired: 2.3 - 2 x 1.0, 2.4 - 2 x 1.1, 2.35 - 2 x 1.05 ms.
    expect(byName['cold custom-domain miss: router time on top of two raw GetItems']?.value).toBeCloseTo(
      0.25,
      6,
    );
    expect(byName['heap per cached custom tenant']).toMatchObject({ value: 360, met: false });
    expect(byName['heap per cached wildcard tenant']).toMatchObject({ value: 500, met: undefined });
    expect(byName['bundle module-load time (fresh process, median)']).toMatchObject({
      value: 21,
      met: undefined,
    });
  });

  it('reports a missed target', () => {
    const checks = checkTargets({ hotPaths: hotPaths({ 'cache-hit': [6000, 6000, 6000] }) });
    expect(checks.filter((c) => c.met === false).map((c) => c.name)).toEqual([
      'cache hit median (whole handler)',
      'cache hit / floor (Map.get + rewrite)',
    ]);
    expect(formatTargets(checks)).toContain('MISSED');
  });

  it('leaves out what was not measured', () => {
    expect(checkTargets({})).toEqual([]);
  });
});

describe('missOverheadNs', () => {
  it('takes the median of paired differences, so drift shared by both sides cancels', () => {
    // Background load doubles the second sample of both; the router's share stays 100.
    const miss = result('miss', [1100, 2100, 1100]);
    const raw = result('raw', [1000, 2000, 1000]);
    expect(missOverheadNs(miss, raw)).toBe(100);
  });

  it('falls back to the difference of medians for unpaired samples', () => {
    expect(missOverheadNs(result('a', [5, 5, 5]), result('b', [1, 2]))).toBe(3.5);
  });
});

describe('bench report', () => {
  it('lists every hot path with its ratio to the floor', () => {
    const text = formatHotPaths(hotPaths({}));
    expect(text.split('\n')[0]).toMatch(/^hot path\s+median/);
    expect(text).toMatch(
      /cache hit, whole handler \(built bundle\), one platform host, event reused\s+900 ns.*9\.0x/,
    );
    expect(text).toMatch(
      /cache hit, whole handler, fresh event per request, Zipf over 1,000 custom domains\s+1.60 µs/,
    );
    expect(text).toMatch(/floor: Map.get \+ request rewrite\s+100 ns.*1\.0x/);
  });

  it.each([
    [12.3, '12.3 ns'],
    [1500, '1.50 µs'],
    [2_500_000, '2.50 ms'],
  ])('formats %d ns as %s', (ns, text) => {
    expect(formatNs(ns)).toBe(text);
  });
});
