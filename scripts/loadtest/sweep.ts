/**
 * Sweeps: the same load test run once per value of one parameter (`--sweep tenants=1000,10000`),
 * to show how latency and read cost grow with the work.
 */
import { UsageError } from '../lib/cli.ts';
import type { LoadTestResult } from './load-result.ts';

/** Parameters a sweep can vary. */
export const SWEEP_PARAMETERS = ['tenants', 'ttl', 'cache-size', 'zipf'] as const;
/** A parameter a sweep can vary: tenant count, cache TTL (ms), cache size (entries), Zipf exponent. */
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

/** A parsed `--sweep` value. */
export interface SweepSpec {
  readonly parameter: SweepParameter;
  readonly values: readonly number[];
}

/** Allowed range of each parameter's values. */
const RANGES: Record<SweepParameter, { min: number; max: number; integer: boolean }> = {
  tenants: { min: 1, max: 1_000_000, integer: true },
  ttl: { min: 0, max: 86_400_000, integer: true },
  'cache-size': { min: 1, max: 10_000_000, integer: true },
  zipf: { min: 0, max: 10, integer: false },
};

/** Most runs one sweep may make. */
export const MAX_SWEEP_VALUES = 20;

/**
 * Parses `name=v1,v2,...`. Throws {@link UsageError} naming the problem.
 *
 * @example
 * parseSweep('tenants=1000,10000'); // { parameter: 'tenants', values: [1000, 10000] }
 */
export function parseSweep(text: string): SweepSpec {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  if (!(SWEEP_PARAMETERS as readonly string[]).includes(name)) {
    throw new UsageError(
      `--sweep: unknown parameter ${JSON.stringify(name)}; use one of ${SWEEP_PARAMETERS.join(', ')}`,
    );
  }
  const parameter = name as SweepParameter;
  const list = eq < 0 ? '' : text.slice(eq + 1);
  if (list.trim() === '') throw new UsageError(`--sweep: ${parameter} needs values, e.g. ${parameter}=1,2,3`);
  const range = RANGES[parameter];
  const values = list.split(',').map((raw) => {
    const value = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max) {
      throw new UsageError(
        `--sweep: ${parameter} value ${JSON.stringify(raw)} must be from ${range.min} to ${range.max}`,
      );
    }
    if (range.integer && !Number.isInteger(value)) {
      throw new UsageError(`--sweep: ${parameter} value ${JSON.stringify(raw)} must be a whole number`);
    }
    return value;
  });
  if (values.length > MAX_SWEEP_VALUES) throw new UsageError(`--sweep: at most ${MAX_SWEEP_VALUES} values`);
  if (new Set(values).size !== values.length)
    throw new UsageError(`--sweep: ${parameter} has duplicate values`);
  return { parameter, values };
}

/** The results of a sweep, in the order of its values. */
export interface SweepResult {
  readonly parameter: SweepParameter;
  readonly runs: readonly { readonly value: number; readonly result: LoadTestResult }[];
  /** Set when a run was interrupted: the sweep stopped there (that run is partial). */
  readonly partial?: { readonly reason: 'interrupted'; readonly values: number };
}

/**
 * Runs `run` once per value, one after the other (runs must not compete for the machine).
 * `onRun` sees each result as it arrives. A partial run (interrupted) ends the sweep there.
 */
export async function runSweep(
  spec: SweepSpec,
  run: (value: number, index: number) => Promise<LoadTestResult>,
  onRun?: (value: number, result: LoadTestResult) => void,
): Promise<SweepResult> {
  const runs: { value: number; result: LoadTestResult }[] = [];
  for (const [index, value] of spec.values.entries()) {
    const result = await run(value, index);
    runs.push({ value, result });
    onRun?.(value, result);
    if (result.partial !== undefined)
      return { parameter: spec.parameter, runs, partial: { reason: 'interrupted', values: runs.length } };
  }
  return { parameter: spec.parameter, runs };
}
