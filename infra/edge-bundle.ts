/**
 * Bundles the origin-request function with esbuild, the router configuration baked in. Used by
 * `npm run build`, the CDK stack (local bundling, no Docker) and the local edge.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, buildSync } from 'esbuild';
import { type RouterConfig, resolveRouterConfig } from '../edge/config.ts';
import { bundleTargetOf, DEFAULT_EDGE_RUNTIME, type EdgeRuntime } from './edge-runtime.ts';
import { type RoundTripSource, withDerivedLookupTiming } from './lookup-timing-derivation.ts';

/** Options of {@link bundleEdgeFunction}. */
export interface BundleOptions {
  /** The validated configuration to bake in. */
  readonly config: RouterConfig;
  /** Output folder; the bundle is written to `<outdir>/index.js`. */
  readonly outdir: string;
  /** @default true */
  readonly minify?: boolean;
  /** The Lambda runtime the bundle runs on; its esbuild target follows. @default DEFAULT_EDGE_RUNTIME */
  readonly runtime?: EdgeRuntime;
  /**
   * Round trips the lookup timing is derived from where `config` has none (`withDerivedLookupTiming`).
   * @default the round-trip matrix (`MAP_ROUND_TRIPS`)
   */
  readonly roundTrips?: RoundTripSource;
}

/** What {@link bundleEdgeFunction} wrote. */
export interface BundleResult {
  readonly file: string;
  readonly bytes: number;
}

/** Name of the global esbuild replaces with the configuration. */
export const BAKED_CONFIG_GLOBAL = '__ROUTER_CONFIG__';

/**
 * Written beside the bundle so Node loads `index.js` as CommonJS even under this repository's
 * `"type": "module"` (the local edge, tests, benchmarks); Lambda would anyway.
 */
const COMMONJS_PACKAGE_JSON = '{"type":"commonjs"}\n';

/** The entry point of the bundle: the origin-request handler. */
export const EDGE_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../edge/origin-request.ts');

/** File name of the bundle inside the output folder (the Lambda handler is `index.handler`). */
export const BUNDLE_FILE_NAME = 'index.js';

/**
 * The esbuild options both bundlers use, so the async build (scripts, local edge) and the synchronous
 * one (CDK local bundling) can never drift apart.
 */
export function edgeBuildOptions(options: BundleOptions): BuildOptions & { outfile: string } {
  return {
    entryPoints: [EDGE_ENTRY],
    outfile: join(options.outdir, BUNDLE_FILE_NAME),
    bundle: true,
    platform: 'node',
    target: bundleTargetOf(options.runtime ?? DEFAULT_EDGE_RUNTIME),
    format: 'cjs',
    // The SDK's ES module builds tree-shake; its CommonJS builds (esbuild's default for node) do not:
    // 570 KB -> 380 KB and about half the module-load time (a cold start cost at every edge).
    mainFields: ['module', 'main'],
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { [BAKED_CONFIG_GLOBAL]: JSON.stringify(bakedConfig(options)) },
  };
}

/**
 * The configuration a bundle carries: validated again (no bundle can carry a configuration the
 * handler would reject at runtime), with the lookup timing derived from the round trips.
 */
export function bakedConfig(options: Pick<BundleOptions, 'config' | 'roundTrips'>): RouterConfig {
  return resolveRouterConfig(
    withDerivedLookupTiming(resolveRouterConfig(options.config), options.roundTrips),
  );
}

/**
 * Writes a minified CommonJS bundle exporting `handler`, for a current Node.js Lambda runtime.
 *
 * @example
 * const { file, bytes } = await bundleEdgeFunction({ config, outdir: 'dist/edge' });
 */
export async function bundleEdgeFunction(options: BundleOptions): Promise<BundleResult> {
  const buildOptions = edgeBuildOptions(options);
  await mkdir(options.outdir, { recursive: true });
  await build(buildOptions);
  await writeFile(join(options.outdir, 'package.json'), COMMONJS_PACKAGE_JSON);
  return { file: buildOptions.outfile, bytes: (await stat(buildOptions.outfile)).size };
}

/**
 * Synchronous {@link bundleEdgeFunction}, for CDK local bundling (`ILocalBundling.tryBundle` cannot
 * await). Same options, same output.
 *
 * @example
 * const { file } = bundleEdgeFunctionSync({ config, outdir: outputDir });
 */
export function bundleEdgeFunctionSync(options: BundleOptions): BundleResult {
  const buildOptions = edgeBuildOptions(options);
  mkdirSync(options.outdir, { recursive: true });
  buildSync(buildOptions);
  writeFileSync(join(options.outdir, 'package.json'), COMMONJS_PACKAGE_JSON);
  return { file: buildOptions.outfile, bytes: statSync(buildOptions.outfile).size };
}
