/**
 * Bundles the origin-request function with esbuild, the router configuration baked in. Used by
 * `npm run build`, the CDK stack (local bundling, no Docker) and the local edge.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { RouterConfig } from '../edge/config.ts';

/** Options of {@link bundleEdgeFunction}. */
export interface BundleOptions {
  /** The validated configuration to bake in. */
  readonly config: RouterConfig;
  /** Output folder; the bundle is written to `<outdir>/index.js`. */
  readonly outdir: string;
  /** @default true */
  readonly minify?: boolean;
}

/** What {@link bundleEdgeFunction} wrote. */
export interface BundleResult {
  readonly file: string;
  readonly bytes: number;
}

/** Name of the global esbuild replaces with the configuration. */
export const BAKED_CONFIG_GLOBAL = '__ROUTER_CONFIG__';

const ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../edge/origin-request.ts');

/**
 * Writes a minified CommonJS bundle exporting `handler`, for a current Node.js Lambda runtime.
 *
 * @example
 * const { file, bytes } = await bundleEdgeFunction({ config, outdir: 'dist/edge' });
 */
export async function bundleEdgeFunction(options: BundleOptions): Promise<BundleResult> {
  const file = join(options.outdir, 'index.js');
  await mkdir(options.outdir, { recursive: true });
  await build({
    entryPoints: [ENTRY],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { [BAKED_CONFIG_GLOBAL]: JSON.stringify(options.config) },
  });
  return { file, bytes: (await stat(file)).size };
}
