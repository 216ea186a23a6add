/**
 * Text rendering of a bench run: the hot-path table with each path's ratio to the floor, and the
 * targets table. Pure.
 */
import { alignColumns } from '../lib/text-columns.ts';
import type { TargetCheck } from './bench-targets.ts';
import type { BenchResult } from './harness.ts';
import { HOT_PATH_DESCRIPTIONS, HOT_PATHS, type HotPath } from './hot-path-benchmarks.ts';

/** Formats nanoseconds with a unit. */
export function formatNs(ns: number): string {
  if (ns < 1000) return `${ns.toPrecision(3)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toPrecision(3)} µs`;
  return `${(ns / 1e6).toPrecision(3)} ms`;
}

/** The hot-path table: median, quartiles, MAD, ratio to the floor. */
export function formatHotPaths(results: Readonly<Record<HotPath, BenchResult>>): string {
  const floor = results.floor.median;
  const rows: string[][] = [['hot path', 'median', 'p25', 'p75', 'MAD', 'x floor', 'samples x batch']];
  for (const path of HOT_PATHS) {
    const r = results[path];
    rows.push([
      HOT_PATH_DESCRIPTIONS[path],
      formatNs(r.median),
      formatNs(r.p25),
      formatNs(r.p75),
      formatNs(r.mad),
      `${(r.median / floor).toFixed(1)}x`,
      `${r.samples} x ${r.batch}`,
    ]);
  }
  return `${alignColumns(rows)}\n`;
}

/** The targets table. */
export function formatTargets(checks: readonly TargetCheck[]): string {
  const rows: string[][] = [['target', 'goal', 'measured', '']];
  for (const c of checks)
    rows.push([c.name, c.target, c.measured, c.met === undefined ? '' : c.met ? 'met' : 'MISSED']);
  return `${alignColumns(rows)}\n`;
}
