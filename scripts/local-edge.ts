/**
 * `npm start`: the whole router on this machine (see docs/local-edge.md). Thin CLI over
 * startLocalEdge().
 */
import { REGION_PATTERN } from '../edge/model.ts';
import { integerOption, parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';
import { DEFAULT_EDGE_REGION } from './lib/local-defaults.ts';
import { DEFAULT_REPLICATION_LAG, parseLagDistribution } from './lib/replication/lag-distribution.ts';
import { EDGE_REGION_HEADER } from './local-edge/emulator-server.ts';
import { describeLatency, type LatencyOption, parseLatencyOption } from './local-edge/local-world.ts';
import { type LocalEdge, LocalEdgeStartError, startLocalEdge } from './local-edge/start-local-edge.ts';

const USAGE = `
Usage: npm start -- [options]

Runs the router locally: one DynamoDB store (dynalite) per replica region, seeded with demo
tenants and replicated with lag; per replica region an operator endpoint and one TLS endpoint per
edge region at its real distance (faults settable); one echo origin per region; and a CloudFront
emulator running the built handler bundle in each of the 13 regional edge cache regions. See
docs/local-edge.md.

Options:
  --port N               CloudFront emulator port (default 8080)
  --control-port N       control API port (default 8081)
  --dynamodb-port N      port of the write region's DynamoDB endpoint, where the tools write
                         (DYNAMODB_ENDPOINT; default: any free port)
  --edge-region R        default edge region, a regional edge cache region (default us-east-1;
                         per request: ${EDGE_REGION_HEADER} header)
  --latency L            replica distance: real (measured round trips, the default), none, or
                         scaled:F (real times F)
  --jitter MS            extra delay up to MS per delayed chunk (default 0)
  --replication-lag LAG  lag of each replicated write: MS, uniform:MIN-MAX or lognormal:MEDIAN,P99
                         (default ${DEFAULT_REPLICATION_LAG}; with latency, plus half the round trip)
  --data DIR             persist the data in DIR, one folder per replica region (default: in memory)
  --config FILE          router configuration (default config/local.json)
  --infra-config FILE    deployment configuration whose CloudFront policies the emulator applies
                         (default: the policies of a deployment with default settings)
  --handler FILE         run the handler exported by FILE instead of the built bundle
  --no-seed              do not write the demo data
  --cloudfront-port N    port of the local CloudFront control plane (CLOUDFRONT_ENDPOINT; default any)
  --dns-port N           UDP port of the local DNS (ETR_DNS_SERVER; default any)
  --json                 print the endpoints as one JSON line instead of the banner
  -h, --help             show this help
`;

/**
 * The local edge is for watching the router: every decision is logged (so `npm run logs -- --local`
 * finds any request) and metrics are written every second (so the dashboard moves), where
 * production samples decisions and writes metrics once a minute.
 */
const LOCAL_OBSERVABILITY = { decisionLogSampleRate: 1, metrics: { flushIntervalMs: 1000 } } as const;

/** `--latency`: real (the default), none or scaled:F. */
function latencyOption(value: string | undefined): LatencyOption {
  const latency = parseLatencyOption(value ?? 'real');
  if (latency === undefined)
    throw new UsageError(`--latency ${JSON.stringify(value)}: use real, none or scaled:F with 0 < F <= 10`);
  return latency;
}

async function main(): Promise<number> {
  const line = parseCommandLine(
    {
      name: 'local-edge',
      usage: USAGE,
      options: {
        port: { type: 'string' },
        'control-port': { type: 'string' },
        'dynamodb-port': { type: 'string' },
        'edge-region': { type: 'string' },
        latency: { type: 'string' },
        jitter: { type: 'string' },
        'replication-lag': { type: 'string' },
        data: { type: 'string' },
        config: { type: 'string' },
        'infra-config': { type: 'string' },
        handler: { type: 'string' },
        'no-seed': { type: 'boolean' },
        ...CLOUDFRONT_START_OPTIONS,
        json: { type: 'boolean' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const port = integerOption(values.port, 'port', 0, 65535) ?? 8080;
  const controlPort = integerOption(values['control-port'], 'control-port', 0, 65535) ?? 8081;
  const dynamodbPort = integerOption(values['dynamodb-port'], 'dynamodb-port', 0, 65535) ?? 0;
  const fixed = [port, controlPort, dynamodbPort].filter((p) => p !== 0);
  if (new Set(fixed).size !== fixed.length)
    throw new UsageError('--port, --control-port and --dynamodb-port must differ');
  const edgeRegion = values['edge-region'] ?? DEFAULT_EDGE_REGION;
  if (!REGION_PATTERN.test(edgeRegion))
    throw new UsageError(`--edge-region ${JSON.stringify(edgeRegion)} is not an AWS region name`);
  const latency = latencyOption(values.latency);
  const jitterMs = integerOption(values.jitter, 'jitter', 0, 10_000) ?? 0;
  const replicationLag = values['replication-lag'] ?? DEFAULT_REPLICATION_LAG;
  const lag = parseLagDistribution(replicationLag);
  if (!lag.ok) throw new UsageError(`--replication-lag ${lag.problem}`);

  const started = performance.now();
  let edge: LocalEdge;
  try {
    edge = await startLocalEdge({
      port,
      controlPort,
      dynamodbPort,
      edgeRegion,
      latency,
      jitterMs,
      replicationLag,
      ...(values.data === undefined ? {} : { dataDir: values.data }),
      ...(values.config === undefined ? {} : { configFile: values.config }),
      ...(values['infra-config'] === undefined ? {} : { infraConfigFile: values['infra-config'] }),
      ...(values.handler === undefined ? {} : { handlerModule: values.handler }),
      seed: values['no-seed'] !== true,
      ...cloudFrontStartOptions(values),
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
        writeRegion: edge.writeRegion,
        replicas: Object.fromEntries(Object.entries(edge.replicas).map(([r, e]) => [r, e.endpoint])),
        latency: describeLatency(edge.latency),
        replicationLag,
        hosts: edge.demo.hosts.map((h) => h.host),
        cloudFront: cloudFrontEnvironment(edge.cloudFront),
        startMs: ms,
      })}\n`,
    );
  } else process.stdout.write(banner(edge, ms, replicationLag));

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

/** The command line of the local CloudFront control plane. */
const CLOUDFRONT_START_OPTIONS = {
  'cloudfront-port': { type: 'string' },
  'dns-port': { type: 'string' },
} as const;

function cloudFrontStartOptions(values: {
  'cloudfront-port'?: string | undefined;
  'dns-port'?: string | undefined;
}) {
  return {
    cloudFrontPort: integerOption(values['cloudfront-port'], 'cloudfront-port', 0, 65535) ?? 0,
    dnsPort: integerOption(values['dns-port'], 'dns-port', 0, 65535) ?? 0,
  };
}

/** The environment `npm run domains` needs for the local control plane and DNS. */
function cloudFrontEnvironment(cf: LocalEdge['cloudFront']): Record<string, string> {
  return {
    CLOUDFRONT_ENDPOINT: cf.url,
    ETR_DISTRIBUTION_ID: cf.distributionId,
    ETR_CONNECTION_GROUP: cf.connectionGroupId,
    ETR_DNS_SERVER: cf.dnsServer,
  };
}

function banner(edge: LocalEdge, ms: number, replicationLag: string): string {
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
    `local edge up in ${ms} ms (${build}); edge region ${edge.defaultEdgeRegion} (of ${edge.edgeRegions.length})`,
    `  CloudFront  ${edge.url}    control API ${edge.controlUrl}/status`,
    `  Dashboard   ${edge.controlUrl}/dashboard    logs: npm run logs -- --local --since 5m`,
    `  world       latency ${describeLatency(edge.latency)}, replication lag ${replicationLag}${edge.latency.kind === 'none' ? '' : ' + half the round trip'}; replicas ${replicas}`,
    `  tools       export DYNAMODB_ENDPOINT=${edge.dynamodbEndpoint} LOCAL_EDGE_CONTROL=${edge.controlUrl}   # writes go to ${edge.writeRegion}`,
    `  domains     export ${Object.entries(cloudFrontEnvironment(edge.cloudFront))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}   # npm run domains; customers' CNAME target ${edge.cloudFront.routingEndpoint}`,
    `  demo hosts  ${hosts}`,
    `  try:  curl -H 'Host: ${first}' ${edge.url}/hello`,
    `        curl -H 'Host: ${first}' -H '${EDGE_REGION_HEADER}: ap-southeast-2' ${edge.url}/`,
    `        npm run migrate -- acme --to eu-west-1 --verify-url ${edge.url} --verify-host ${first}   # after the export above`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

runMain(main);
