/**
 * `npm start`: the whole router on this machine (see docs/local-edge.md). Thin CLI over
 * startLocalEdge().
 */
import { REGION_PATTERN } from '../edge/model.ts';
import { integerOption, parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';
import { DEFAULT_EDGE_REGION } from './lib/local-defaults.ts';
import { EDGE_REGION_HEADER } from './local-edge/emulator-server.ts';
import { type LocalEdge, LocalEdgeStartError, startLocalEdge } from './local-edge/start-local-edge.ts';

const USAGE = `
Usage: npm start -- [options]

Runs the router locally: embedded DynamoDB (dynalite) seeded with demo tenants, one DynamoDB
endpoint per replica region (faults settable), one echo origin per region, and a CloudFront
emulator running the built handler bundle. See docs/local-edge.md.

Options:
  --port N           CloudFront emulator port (default 8080)
  --control-port N   control API port (default 8081)
  --edge-region R    emulated edge region (default us-east-1; per request: ${EDGE_REGION_HEADER} header)
  --data DIR         persist the DynamoDB data in DIR (default: in memory)
  --config FILE      router configuration (default config/local.json)
  --handler FILE     run the handler exported by FILE instead of the built bundle
  --no-seed          do not write the demo data
  --json             print the endpoints as one JSON line instead of the banner
  -h, --help         show this help
`;

/**
 * The local edge is for watching the router: every decision is logged (so `npm run logs -- --local`
 * finds any request) and metrics are written every second (so the dashboard moves), where
 * production samples decisions and writes metrics once a minute.
 */
const LOCAL_OBSERVABILITY = { decisionLogSampleRate: 1, metrics: { flushIntervalMs: 1000 } } as const;

async function main(): Promise<number> {
  const line = parseCommandLine(
    {
      name: 'local-edge',
      usage: USAGE,
      options: {
        port: { type: 'string' },
        'control-port': { type: 'string' },
        'edge-region': { type: 'string' },
        data: { type: 'string' },
        config: { type: 'string' },
        handler: { type: 'string' },
        'no-seed': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const port = integerOption(values.port, 'port', 0, 65535) ?? 8080;
  const controlPort = integerOption(values['control-port'], 'control-port', 0, 65535) ?? 8081;
  if (port !== 0 && port === controlPort) throw new UsageError('--port and --control-port must differ');
  const edgeRegion = values['edge-region'] ?? DEFAULT_EDGE_REGION;
  if (!REGION_PATTERN.test(edgeRegion))
    throw new UsageError(`--edge-region ${JSON.stringify(edgeRegion)} is not an AWS region name`);

  const started = performance.now();
  let edge: LocalEdge;
  try {
    edge = await startLocalEdge({
      port,
      controlPort,
      edgeRegion,
      ...(values.data === undefined ? {} : { dataDir: values.data }),
      ...(values.config === undefined ? {} : { configFile: values.config }),
      ...(values.handler === undefined ? {} : { handlerModule: values.handler }),
      seed: values['no-seed'] !== true,
      config: LOCAL_OBSERVABILITY,
      log: (line) => process.stderr.write(`local-edge: ${line}\n`),
    });
  } catch (error) {
    if (error instanceof LocalEdgeStartError) throw new UsageError(error.message);
    throw error;
  }
  const ms = Math.round(performance.now() - started);

  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({
        url: edge.url,
        controlUrl: edge.controlUrl,
        dynamodbEndpoint: edge.dynamodbEndpoint,
        replicas: Object.fromEntries(Object.entries(edge.replicas).map(([r, e]) => [r, e.endpoint])),
        hosts: edge.demo.hosts.map((h) => h.host),
        startMs: ms,
      })}\n`,
    );
  } else process.stdout.write(banner(edge, ms));

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stderr.write(`\nlocal-edge: ${signal}, shutting down\n`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      edge.stop().then(resolve, resolve);
    };
    const onInt = () => shutdown('SIGINT');
    const onTerm = () => shutdown('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  return 0;
}

function banner(edge: LocalEdge, ms: number): string {
  const first = edge.demo.hosts[0]?.host ?? 'shop.acme.com';
  const replicas = Object.values(edge.replicas)
    .map((r) => `${r.region}=${r.endpoint}`)
    .join('  ');
  const hosts = edge.demo.hosts.map((h) => `${h.host} (${h.expect})`).join(', ');
  const build =
    edge.bundle === undefined
      ? 'custom handler'
      : `bundle ${(edge.bundle.bytes / 1024).toFixed(0)} KiB built in ${edge.bundle.buildMs} ms`;
  return [
    `local edge up in ${ms} ms (${build}); edge region ${edge.defaultEdgeRegion}`,
    `  CloudFront  ${edge.url}    control API ${edge.controlUrl}/status`,
    `  Dashboard   ${edge.controlUrl}/dashboard    logs: npm run logs -- --local --since 5m`,
    `  DynamoDB    ${edge.dynamodbEndpoint} (table ${edge.config.tableName}); replicas ${replicas}`,
    `  demo hosts  ${hosts}`,
    `  try:  curl -H 'Host: ${first}' ${edge.url}/hello`,
    `        curl -H 'Host: ${first}' -H '${EDGE_REGION_HEADER}: ap-southeast-2' ${edge.url}/`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

runMain(main);
