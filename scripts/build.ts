/**
 * `npm run build`: bundles the origin-request function into dist/edge/index.js with a router
 * configuration baked in.
 */
import { relative } from 'node:path';
import { bundleEdgeFunction } from '../infra/edge-bundle.ts';
import { parseCommandLine, runMain, writeHelp } from './lib/cli.ts';
import { LOCAL_CONFIG_PATH, loadRouterConfig } from './lib/router-config-file.ts';

const USAGE = `
Usage: npm run build -- [--config FILE] [--outdir DIR] [--no-minify] [--json]

Bundles edge/origin-request.ts with esbuild (CommonJS, the target of the default runtime, minified) into
<outdir>/index.js, with the validated router configuration baked in.

Options:
  --config FILE   router configuration (JSON)      default: config/local.json
  --outdir DIR    output folder                    default: dist/edge
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
        'no-minify': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const config = loadRouterConfig(values.config ?? LOCAL_CONFIG_PATH);
  const result = await bundleEdgeFunction({
    config,
    outdir: values.outdir ?? 'dist/edge',
    minify: values['no-minify'] !== true,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `built ${relative(process.cwd(), result.file)} (${(result.bytes / 1024).toFixed(1)} KiB)\n`,
    );
});
