/**
 * Microbenchmarks of the router's hot paths, all in one process and one run so their ratios are
 * fair: the bare `Map.get` + request rewrite floor, host parsing, the event rewrite, a warm cache
 * hit through the whole handler, a cache miss through the whole handler against dynalite, and the
 * raw SDK GetItem round-trip to the same server (the part of a miss that is not the router's).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterConfig } from '../../edge/config.ts';
import { bundleEdgeFunction } from '../../infra/edge-bundle.ts';
import { CleanupStack } from '../lib/cleanup-stack.ts';
import { startBenchTable } from './bench-table.ts';
import { type BenchResult, type MeasureOptions, measureInterleaved } from './harness.ts';
import { asyncFloorCase, customMissCase, customZipfCases } from './host-kind-cases.ts';
import { type HandlerFactory, inMemoryCases, type NamedCase, networkCases } from './hot-path-cases.ts';

/** Names of the hot-path benchmarks, in the order they run. */
export const HOT_PATHS = [
  'floor',
  'floor-async',
  'host-parse',
  'event-rewrite',
  'route-core',
  'cache-hit',
  'floor-custom-zipf',
  'cache-hit-custom-zipf',
  'cache-miss',
  'cache-miss-custom',
  'raw-getitem',
] as const;
/** One hot-path benchmark. */
export type HotPath = (typeof HOT_PATHS)[number];

/** What each benchmark measures, for the report. */
export const HOT_PATH_DESCRIPTIONS: Record<HotPath, string> = {
  floor: 'floor: Map.get + request rewrite',
  'floor-async': 'floor as an async function (a promise, as the handler returns)',
  'floor-custom-zipf': 'async floor, fresh event per request, Zipf over 1,000 custom domains',
  'cache-hit-custom-zipf':
    'cache hit, whole handler, fresh event per request, Zipf over 1,000 custom domains',
  'cache-miss-custom': 'cold custom-domain miss, whole handler (DOMAIN + TENANT reads), dynalite',
  'host-parse': 'host parsing (parseHostHeader)',
  'event-rewrite': 'event rewrite (routeToCloudFrontRequest)',
  'route-core': 'routing core, warm cache (routeRequest)',
  'cache-hit': 'cache hit, whole handler (built bundle), one platform host, event reused',
  'cache-miss': 'cold platform miss, whole handler (built bundle, TENANT read), dynalite',
  'raw-getitem': 'raw SDK GetItem, dynalite',
};

/** Options of {@link runHotPathBenchmarks}. */
export interface HotPathOptions {
  readonly config: RouterConfig;
  /** Harness settings of the in-memory paths. */
  readonly measure: MeasureOptions;
  /** Harness settings of the paths that make a network round-trip. */
  readonly measureNetwork: MeasureOptions;
  /** Called before each group of interleaved benchmarks starts. */
  readonly onStart?: (paths: readonly HotPath[]) => void;
}

/**
 * Runs every hot-path benchmark; results in {@link HOT_PATHS} order. The in-memory cases are
 * interleaved with each other, then the two round-trip cases with each other.
 */
export async function runHotPathBenchmarks(options: HotPathOptions): Promise<Record<HotPath, BenchResult>> {
  const stack = new CleanupStack();
  try {
    const table = await startBenchTable(options.config, stack);
    const createHandler = await loadBundledHandlerFactory(table.config);
    const results: Partial<Record<HotPath, BenchResult>> = {};
    const runGroup = async (cases: readonly NamedCase<HotPath>[], measure: MeasureOptions) => {
      options.onStart?.(cases.map((c) => c.name));
      const measured = await measureInterleaved(cases, measure);
      for (const [i, c] of cases.entries()) results[c.name] = measured[i] as BenchResult;
    };
    await runGroup(
      [
        ...(await inMemoryCases(table, createHandler)),
        asyncFloorCase(table),
        ...(await customZipfCases(table, createHandler)),
      ],
      options.measure,
    );
    await runGroup(
      [...(await networkCases(table, createHandler)), await customMissCase(table, createHandler)],
      options.measureNetwork,
    );
    return results as Record<HotPath, BenchResult>;
  } finally {
    await stack.close();
  }
}

/**
 * Builds the production bundle into a temporary folder and loads its handler factory: the
 * whole-handler cases run the minified code that ships, not the TypeScript sources (tsx adds
 * per-closure naming calls that production code does not pay).
 */
async function loadBundledHandlerFactory(config: RouterConfig): Promise<HandlerFactory> {
  const outdir = await mkdtemp(join(tmpdir(), 'bench-hot-'));
  try {
    const { file } = await bundleEdgeFunction({ config, outdir });
    return (createRequire(import.meta.url)(file) as { createOriginRequestHandler: HandlerFactory })
      .createOriginRequestHandler;
  } finally {
    // Loaded modules stay in memory; the file is no longer needed.
    await rm(outdir, { recursive: true, force: true });
  }
}
