/**
 * The edge function's code asset: bundled by local esbuild during synth (no Docker), with the
 * router configuration baked in.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { RouterConfig } from '../edge/config.ts';
import { bundleEdgeFunctionSync } from './edge-bundle.ts';
import { DEFAULT_EDGE_RUNTIME, type EdgeRuntime } from './edge-runtime.ts';

/** The folder the bundle is built from; the asset's nominal source. */
const EDGE_SOURCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../edge');

/**
 * A Lambda code asset holding `index.js` (handler `index.handler`), built with esbuild in-process.
 * The asset hash is taken from the output, so a configuration change is a new function version.
 *
 * @example
 * new EdgeFunction(stack, 'Fn', { code: edgeFunctionCode(config.router, 'nodejs22.x'), handler: 'index.handler', ... });
 */
export function edgeFunctionCode(config: RouterConfig, runtime: EdgeRuntime = DEFAULT_EDGE_RUNTIME): Code {
  return Code.fromAsset(EDGE_SOURCE_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. CDK requires an image to be named.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          bundleEdgeFunctionSync({ config, outdir: outputDir, runtime });
          return true;
        },
      },
    },
  });
}
