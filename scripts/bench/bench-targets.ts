/**
 * The routing core's performance targets and how a benchmark run compares with them. Pure.
 */
import type { BundleMeasurement, HeapMeasurement } from './child-process-metrics.ts';
import type { BenchResult } from './harness.ts';
import { HEAP_BUDGET_BYTES } from './heap-host-kinds.ts';
import type { HotPath } from './hot-path-benchmarks.ts';
import { sampleStatistics } from './sample-statistics.ts';

/** One target compared with its measurement. */
export interface TargetCheck {
  readonly name: string;
  /** The target, as text (`< 5 µs`). */
  readonly target: string;
  /** The measurement, as text. */
  readonly measured: string;
  /** The measurement in the target's unit. */
  readonly value: number;
  /** Whether the target is met; undefined for figures reported without a target. */
  readonly met: boolean | undefined;
}

/** Everything a bench run measured. */
export interface BenchMeasurements {
  readonly hotPaths?: Readonly<Record<HotPath, BenchResult>>;
  readonly heap?: readonly HeapMeasurement[];
  readonly bundle?: BundleMeasurement;
}

/** Target values from the routing-core issue. */
export const TARGETS = {
  cacheHitMedianUs: 5,
  cacheHitFloorRatio: 10,
  missOverheadMs: 0.3,
  /** Lambda@Edge package limit for origin-triggered functions. */
  bundleLimitBytes: 50 * 1024 * 1024,
} as const;

const MB = 1024 * 1024;

/** Compares the measurements with the targets; figures missing from the run are left out. */
export function checkTargets(m: BenchMeasurements): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const paths = m.hotPaths;
  if (paths !== undefined) {
    const hitUs = paths['cache-hit'].median / 1000;
    checks.push({
      name: 'cache hit median (whole handler)',
      target: `< ${TARGETS.cacheHitMedianUs} µs`,
      measured: `${hitUs.toFixed(2)} µs`,
      value: hitUs,
      met: hitUs < TARGETS.cacheHitMedianUs,
    });
    const ratio = paths['cache-hit'].median / paths.floor.median;
    checks.push({
      name: 'cache hit / floor (Map.get + rewrite)',
      target: `<= ${TARGETS.cacheHitFloorRatio}x`,
      measured: `${ratio.toFixed(1)}x (${(paths['cache-hit'].median / 1000).toFixed(2)} µs / ${(paths.floor.median / 1000).toFixed(3)} µs)`,
      value: ratio,
      met: ratio <= TARGETS.cacheHitFloorRatio,
    });
    checks.push(reportedRatio('cache hit / async floor', paths['cache-hit'], paths['floor-async']));
    checks.push(
      reportedRatio(
        'custom-domain Zipf hit / async floor, fresh events',
        paths['cache-hit-custom-zipf'],
        paths['floor-custom-zipf'],
      ),
    );
    const overheadMs = missOverheadNs(paths['cache-miss'], paths['raw-getitem']) / 1e6;
    checks.push({
      name: 'cache miss: router time on top of raw GetItem',
      target: `< ${TARGETS.missOverheadMs} ms`,
      measured: `${overheadMs.toFixed(3)} ms (median of paired differences; medians ${(paths['cache-miss'].median / 1e6).toFixed(3)} and ${(paths['raw-getitem'].median / 1e6).toFixed(3)} ms)`,
      value: overheadMs,
      met: overheadMs < TARGETS.missOverheadMs,
    });
    const customMs = missOverheadNs(paths['cache-miss-custom'], paths['raw-getitem'], 2) / 1e6;
    checks.push({
      name: 'cold custom-domain miss: router time on top of two raw GetItems',
      target: 'reported',
      measured: `${customMs.toFixed(3)} ms (median of paired differences; medians ${(paths['cache-miss-custom'].median / 1e6).toFixed(3)} and 2 x ${(paths['raw-getitem'].median / 1e6).toFixed(3)} ms)`,
      value: customMs,
      met: undefined,
    });
  }
  for (const heap of m.heap ?? []) {
    const budget = HEAP_BUDGET_BYTES[heap.kind];
    checks.push({
      name: `heap per cached ${heap.kind} tenant`,
      target: budget === undefined ? 'reported' : `<= ${budget} B`,
      measured: `${Math.round(heap.bytesPerTenant)} B (${(heap.bytes / MB).toFixed(1)} MB for ${heap.tenants.toLocaleString('en-US')}; empty cache ${(heap.fixedBytes / MB).toFixed(1)} MB)`,
      value: heap.bytesPerTenant,
      met: budget === undefined ? undefined : heap.bytesPerTenant <= budget,
    });
  }
  if (m.bundle !== undefined) {
    checks.push({
      name: 'bundle size (minified, gzip)',
      target: `< ${TARGETS.bundleLimitBytes / MB} MB (Lambda@Edge origin limit)`,
      measured: `${(m.bundle.bytes / 1024).toFixed(0)} KiB (${(m.bundle.gzipBytes / 1024).toFixed(0)} KiB gzip)`,
      value: m.bundle.bytes,
      met: m.bundle.bytes < TARGETS.bundleLimitBytes,
    });
    checks.push({
      name: 'bundle module-load time (fresh process, median)',
      target: 'reported',
      measured: `${m.bundle.loadMs.median.toFixed(1)} ms (p25-p75 ${m.bundle.loadMs.p25.toFixed(1)}-${m.bundle.loadMs.p75.toFixed(1)} ms, ${m.bundle.loadMs.samples} runs)`,
      value: m.bundle.loadMs.median,
      met: undefined,
    });
  }
  return checks;
}

/** A ratio of two medians, reported without a target. */
function reportedRatio(name: string, of: BenchResult, to: BenchResult): TargetCheck {
  const ratio = of.median / to.median;
  return {
    name,
    target: 'reported',
    measured: `${ratio.toFixed(1)}x (${(of.median / 1000).toFixed(2)} µs / ${(to.median / 1000).toFixed(3)} µs, +${((of.median - to.median) / 1000).toFixed(2)} µs)`,
    value: ratio,
    met: undefined,
  };
}

/**
 * What a miss adds on top of its `reads` raw GetItems: the median of the differences of samples
 * taken side by side (interleaved), which cancels the drift of a shared machine better than a
 * difference of medians. Falls back to the difference of medians when the samples are not paired.
 */
export function missOverheadNs(miss: BenchResult, raw: BenchResult, reads = 1): number {
  const n = Math.min(miss.perOperationNs.length, raw.perOperationNs.length);
  if (n === 0 || miss.perOperationNs.length !== raw.perOperationNs.length)
    return miss.median - reads * raw.median;
  const differences = Array.from(
    { length: n },
    (_, i) => (miss.perOperationNs[i] ?? 0) - reads * (raw.perOperationNs[i] ?? 0),
  );
  return sampleStatistics(differences).median;
}
