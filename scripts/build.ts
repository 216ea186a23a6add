/**
 * `npm run build`: bundles the origin-request function into dist/edge/index.js with a router
 * configuration baked in.
 */
import { relative } from 'node:path';
import { bundleEdgeFunction } from '../infra/edge-bundle.ts';
import { DEFAULT_EDGE_RUNTIME, EDGE_RUNTIMES } from '../infra/edge-runtime.ts';
import { parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';
import { LOCAL_CONFIG_PATH, loadRouterConfig } from './lib/router-config-file.ts';

const USAGE = `
Usage: npm run build -- [--config FILE] [--outdir DIR] [--runtime R] [--no-minify] [--json]

Bundles edge/origin-request.ts with esbuild (CommonJS, minified, the esbuild target of the Lambda
runtime) into <outdir>/index.js, with the validated router configuration baked in.

Options:
  --config FILE   router configuration (JSON)      default: config/local.json
  --outdir DIR    output folder                    default: dist/edge
  --runtime R     Lambda runtime the bundle targets: ${EDGE_RUNTIMES.join(', ')}
                                                   default: ${DEFAULT_EDGE_RUNTIME}
  --no-minify     keep the bundle readable
  --json          print {file, bytes} as JSON
  -h, --help      show this help
`;

runMain(async () => {
  const line = parseCommandLine(
    {
      name: 'build',
      usage: USAGE,
      options: {
        config: { type: 'string' },
        outdir: { type: 'string' },
        runtime: { type: 'string' },
        'no-minify': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const runtime = EDGE_RUNTIMES.find((r) => r === (values.runtime ?? DEFAULT_EDGE_RUNTIME));
  if (runtime === undefined) throw new UsageError(`--runtime must be one of ${EDGE_RUNTIMES.join(', ')}`);
  const config = loadRouterConfig(values.config ?? LOCAL_CONFIG_PATH);
  const result = await bundleEdgeFunction({
    config,
    outdir: values.outdir ?? 'dist/edge',
    runtime,
    minify: values['no-minify'] !== true,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `built ${relative(process.cwd(), result.file)} (${(result.bytes / 1024).toFixed(1)} KiB)\n`,
    );
});
