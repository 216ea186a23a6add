/**
 * The load test's options for existing engines: `--emit ENGINE DIR` (what it takes and excludes),
 * `--import DIR` (a finished run: only the outcome and report options apply), and the worker
 * regions of a test for a deployment. Bad values are one-line {@link UsageError}s.
 */
import { REGIONAL_EDGE_CACHE_REGIONS } from '../../edge/region-geography.ts';
import { UsageError } from '../lib/cli.ts';

/** Engines whose tests `--emit` writes and whose results `--import` reads. */
export const LOAD_ENGINES = ['locust'] as const;
/** One of {@link LOAD_ENGINES}. */
export type LoadEngine = (typeof LOAD_ENGINES)[number];

/** `--emit`: the engine and the folder to write its test into. */
export interface EngineEmit {
  readonly engine: LoadEngine;
  readonly dir: string;
}

/** `--emit` and `--import`: what they exclude, and the emit target. */
export function engineModeOption(
  values: Record<string, unknown> & { emit?: string; import?: string; target?: string; hosts?: string },
  positionals: readonly string[],
): EngineEmit | undefined {
  const emit = emitOption(values.emit, positionals);
  if (emit === undefined && positionals.length > 0)
    throw new UsageError(`loadtest: unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  if (values.import !== undefined) checkImportAlone(values);
  if (emit !== undefined && (values['in-process'] === true || values.sweep !== undefined))
    throw new UsageError('--emit writes an HTTP test for an engine: drop --in-process and --sweep');
  if (emit !== undefined && values.target === undefined && values.hosts === undefined)
    throw new UsageError(
      '--emit writes a test for a running system: give --target URL (with --control and --seed for a local edge) or --hosts FILE',
    );
  return emit;
}

/** `--emit ENGINE DIR`: the engine is the option's value, the folder the one positional. */
function emitOption(engine: string | undefined, positionals: readonly string[]): EngineEmit | undefined {
  if (engine === undefined) return undefined;
  if (!(LOAD_ENGINES as readonly string[]).includes(engine))
    throw new UsageError(
      `--emit ${JSON.stringify(engine)}: the engine is one of ${LOAD_ENGINES.join(', ')} (docs/performance.md says why)`,
    );
  if (positionals.length !== 1)
    throw new UsageError('--emit needs one folder to write to: --emit locust DIR');
  return { engine: engine as LoadEngine, dir: positionals[0] as string };
}

/** `--import` reads a finished run: only the outcome and report options apply. */
function checkImportAlone(values: Record<string, unknown>): void {
  const allowed = new Set(['import', 'expect', 'max-error-rate', 'json', 'html']);
  const other = Object.keys(values).find((name) => !allowed.has(name) && values[name] !== undefined);
  if (other !== undefined)
    throw new UsageError(
      `--import reads a finished run: --${other} does not apply (only --expect, --max-error-rate, --json, --html)`,
    );
}

/**
 * `--edge-regions` of an engine test for a deployment: the AWS regions its workers run in, one
 * worker each (`all`: the 13 regional edge cache regions); viewers anywhere reach some edge.
 */
export function workerRegionsOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return [...REGIONAL_EDGE_CACHE_REGIONS];
  const regions = value.split(',').map((r) => r.trim());
  const wrong = regions.find((r) => !/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(r));
  if (wrong !== undefined)
    throw new UsageError(`--edge-regions ${JSON.stringify(wrong)} is not an AWS region name`);
  if (new Set(regions).size !== regions.length)
    throw new UsageError(`--edge-regions ${value} names a region twice`);
  return regions;
}
