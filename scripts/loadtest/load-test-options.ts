/**
 * The load test's command line: the option table, the usage text, and parsing into validated
 * {@link LoadTestOptions}. Bad values are one-line {@link UsageError}s.
 */

import { integerOption, numberOption, parseArguments, UsageError } from '../lib/cli.ts';
import { HOSTS_KIND_CHOICES, type HostsKindChoice } from '../lib/generated-hosts.ts';
import { DEFAULT_EDGE_REGION } from '../lib/local-defaults.ts';
import { type LatencyOption, parseLatencyOption } from '../local-edge/local-world.ts';
import { parseEdgeRegions } from './edge-region-spread.ts';
import { type EngineEmit, engineModeOption, workerRegionsOption } from './engine-options.ts';
import { DEFAULT_EXPECTATION, parseStatusExpectation, type StatusExpectation } from './status-expectation.ts';
import { parseSweep, type SweepSpec } from './sweep.ts';

/** Validated settings of a load test run. */
export interface LoadTestOptions {
  readonly mode: 'http' | 'in-process';
  /** HTTP target; undefined means "start the local edge" (or DNS when `hostsFile` is set). */
  readonly target?: URL;
  /** Control API of a running local edge (`/status` read counters, `--seed` endpoint). */
  readonly controlUrl?: URL;
  readonly hostsFile?: string;
  readonly tenants: number;
  /** Kind of the generated hosts. @default 'platform' */
  readonly hostsKind: HostsKindChoice;
  /** Create the generated tenants in the target's table (implied when the load test starts the local edge). */
  readonly seed: boolean;
  readonly randomSeed: number;
  readonly zipf: number;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: number;
  readonly timeoutMs: number;
  readonly edgeRegion: string;
  /** Spread requests over these edge regions (round robin) and report each (`--edge-regions`). */
  readonly edgeRegions?: readonly string[];
  /** Replica distance of the load test's own local edge. */
  readonly latency: LatencyOption;
  readonly readLatencyMs: number;
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  readonly sweep?: SweepSpec;
  /** `-` for stdout. */
  readonly jsonFile?: string;
  readonly htmlFile?: string;
  /** Print the progress line even when stderr is not a terminal. */
  readonly progress: boolean;
  /** Statuses that count as success. @default 2xx and 3xx */
  readonly expect: StatusExpectation;
  /** Error share over which the run exits 1. @default 0 */
  readonly maxErrorRate: number;
  /** Write an engine's test of this workload instead of running it (`--emit ENGINE DIR`). */
  readonly emit?: EngineEmit;
  /** Turn an engine's results (the folder `--emit` wrote) into this tool's report. */
  readonly importDir?: string;
}

/** Usage text of `npm run loadtest`. */
export const LOAD_TEST_USAGE = `
Usage: npm run loadtest -- [options]

Measures what the router costs per request, open-loop at a constant arrival rate (latency runs from
each request's intended send time, so a slow server cannot hide its latency).

Modes:
  (default)              HTTP: start a local edge in a child process with generated tenants and load it
  --target URL           HTTP: load this address, Host header set per request (e.g. a running local edge)
  --hosts FILE           hosts to request, one per line, most popular first; without --target each host
                         is requested at https://<host>/ as DNS resolves it (a real deployment)
  --in-process           drive the handler directly with origin-request events against a local DynamoDB

Load:
  --rate N               requests per second (default 200)
  --duration S           measured seconds (default 10, at most 600)
  --warmup S             warm-up seconds, not reported (default 2)
  --connections N        HTTP connections (default 16)
  --timeout MS           HTTP per-request timeout (default 10000)
  --tenants N            generated tenants, one host each (default 1000)
  --hosts-kind K         their hosts: platform (lt-000001.app.example.com, default), custom
                         (www.lt-000001.example.com, a DOMAIN item), wildcard (site.lt-000001.example.net,
                         routed by *.lt-000001.example.net) or mixed (of every 10 ranks: 5 custom,
                         3 platform, 2 wildcard)
  --seed                 create the generated tenants in the table of the local edge at --control
                         (implied when the load test starts its own local edge or runs in-process)
  --zipf S               popularity: 0 uniform, else Zipf exponent (default 1.1)
  --random-seed N        seed of the host sequence (default 1)

Router (own local edge and in-process):
  --edge-region R        region the router runs in (default us-east-1)
  --edge-regions all|R,R spread requests over these regional edge cache regions (round robin) and
                         report latency, failures and reads per edge region (the local edge only);
                         with --emit for a deployment: the AWS regions the workers run in, one each
  --latency L            own local edge: replica distance real, none (default) or scaled:F
  --cache-ttl MS         route cache TTL (default from config/local.json)
  --cache-size N         route cache size in tenants, cache.maxTenants (default from config/local.json)
  --read-latency MS      in-process: latency added to every DynamoDB read, to emulate a far replica

Outcomes:
  --expect LIST          statuses that count as success: classes and codes, e.g. 2xx or 2xx,404
                         (default 2xx,3xx); any other status and every request with no answer is an error
  --max-error-rate R     exit 1 when errors / finished requests exceed R, 0 to 1 (default 0: any error)

Existing engines (docs/performance.md):
  --emit locust DIR      write a Locust test of this workload (locustfile.py, workload.json, README.md)
                         into DIR instead of running it: the same hosts, Zipf popularity and arrival rate
  --import DIR           read the results of that test (DIR/results) into this tool's report

Reporting:
  --control URL          control API of a running local edge (to count DynamoDB reads)
  --sweep P=V1,V2,...    one run per value of P: tenants, ttl, cache-size or zipf
  --json FILE            results as JSON ('-' for stdout)
  --html FILE            self-contained HTML report with charts
  --progress             draw the progress line even when stderr is not a terminal
  -h, --help             this text

Examples:
  npm run loadtest -- --rate 500 --duration 20 --tenants 10000
  npm run loadtest -- --in-process --rate 2000 --tenants 10000 --zipf 1.1 --html report.html
  npm run loadtest -- --in-process --sweep tenants=1000,10000,100000 --json sweep.json
  npm run loadtest -- --edge-regions all --latency real --rate 130 --duration 30 --tenants 2000
  npm run loadtest -- --in-process --hosts-kind mixed --expect 2xx --max-error-rate 0.001
  npm run loadtest -- --emit locust ./lt --hosts-kind mixed --edge-regions all --rate 1000 --duration 300
  npm run loadtest -- --import ./lt --html report.html
`;

const OPTIONS = {
  target: { type: 'string' },
  hosts: { type: 'string' },
  'in-process': { type: 'boolean' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  timeout: { type: 'string' },
  tenants: { type: 'string' },
  'hosts-kind': { type: 'string' },
  seed: { type: 'boolean' },
  zipf: { type: 'string' },
  'random-seed': { type: 'string' },
  'edge-region': { type: 'string' },
  'edge-regions': { type: 'string' },
  latency: { type: 'string' },
  'cache-ttl': { type: 'string' },
  'cache-size': { type: 'string' },
  'read-latency': { type: 'string' },
  control: { type: 'string' },
  sweep: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  progress: { type: 'boolean' },
  expect: { type: 'string' },
  'max-error-rate': { type: 'string' },
  emit: { type: 'string' },
  import: { type: 'string' },
} as const;

function urlOption(value: string | undefined, name: string): URL | undefined {
  if (value === undefined) return undefined;
  if (!URL.canParse(value)) throw new UsageError(`--${name} ${JSON.stringify(value)} is not a URL`);
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${name} must be an http or https URL`);
  }
  return url;
}

/** Parses and validates the load test's arguments. */
export function parseLoadTestArguments(argv: readonly string[]): LoadTestOptions {
  const { values, positionals } = parseArguments(
    { name: 'loadtest', usage: LOAD_TEST_USAGE, options: OPTIONS, allowPositionals: true },
    argv,
  );
  const emit = engineModeOption(values, positionals);
  const hostsKind = hostsKindOption(values['hosts-kind']);
  if (values['hosts-kind'] !== undefined && values.hosts !== undefined)
    throw new UsageError('--hosts-kind generates hosts; it does not go with --hosts FILE');
  const inProcess = values['in-process'] === true;
  const target = urlOption(values.target, 'target');
  const controlUrl = urlOption(values.control, 'control');
  if (inProcess && (target !== undefined || values.hosts !== undefined || controlUrl !== undefined)) {
    throw new UsageError('--in-process drives the handler directly: drop --target, --hosts and --control');
  }
  if (!inProcess && values['read-latency'] !== undefined) {
    throw new UsageError('--read-latency is for --in-process (use the local edge fault API over HTTP)');
  }
  const ownRouter = inProcess || (target === undefined && values.hosts === undefined);
  if (!ownRouter && (values['cache-ttl'] !== undefined || values['cache-size'] !== undefined)) {
    throw new UsageError('--cache-ttl and --cache-size apply to a router the load test starts itself');
  }
  if (values.seed === true && !ownRouter && controlUrl === undefined) {
    throw new UsageError('--seed needs --control URL of the local edge whose table gets the tenants');
  }
  if (values.hosts !== undefined && values.tenants !== undefined) {
    throw new UsageError('--hosts and --tenants are alternatives: hosts from a file, or generated tenants');
  }
  if (values.hosts !== undefined && values.seed === true) {
    throw new UsageError('--seed creates generated tenants; it does not go with --hosts');
  }
  const sweep = values.sweep === undefined ? undefined : parseSweep(values.sweep);
  if (sweep !== undefined) {
    if ((sweep.parameter === 'ttl' || sweep.parameter === 'cache-size') && !ownRouter) {
      throw new UsageError(`--sweep ${sweep.parameter} needs a router the load test starts itself`);
    }
    if (sweep.parameter === 'tenants' && values.hosts !== undefined) {
      throw new UsageError('--sweep tenants needs generated tenants, not --hosts');
    }
    if (sweep.parameter === 'tenants' && !ownRouter && values.seed !== true) {
      throw new UsageError('--sweep tenants against --target needs --seed (and --control)');
    }
  }
  const edgeRegion = values['edge-region'] ?? DEFAULT_EDGE_REGION;
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(edgeRegion)) {
    throw new UsageError(`--edge-region ${JSON.stringify(edgeRegion)} is not an AWS region name`);
  }
  const spread =
    emit !== undefined && controlUrl === undefined
      ? workerRegionsOption(values['edge-regions'])
      : edgeRegionsOption(values['edge-regions'], inProcess, target, controlUrl, values.hosts);
  const latency = parseLatencyOption(values.latency ?? 'none');
  if (latency === undefined)
    throw new UsageError(`--latency ${JSON.stringify(values.latency)}: use real, none or scaled:F`);
  if (values.latency !== undefined && !(ownRouter && !inProcess))
    throw new UsageError(
      "--latency sets the distance of the load test's own local edge (no --target, --hosts, --in-process)",
    );
  const cacheTtlMs = integerOption(values['cache-ttl'], 'cache-ttl', 0, 86_400_000);
  const cacheMaxEntries = integerOption(values['cache-size'], 'cache-size', 1, 10_000_000);
  const ratePerSecond = numberOption(values.rate, 'rate', 0.1, 200_000) ?? 200;
  const durationMs = (numberOption(values.duration, 'duration', 0.1, 600) ?? 10) * 1000;
  const warmupMs = (numberOption(values.warmup, 'warmup', 0, 120) ?? 2) * 1000;
  if ((ratePerSecond * (durationMs + warmupMs)) / 1000 > 20_000_000) {
    throw new UsageError('--rate x (--duration + --warmup) is over 20,000,000 requests');
  }
  return {
    mode: inProcess ? 'in-process' : 'http',
    ...(target !== undefined && { target }),
    ...(controlUrl !== undefined && { controlUrl }),
    ...(values.hosts !== undefined && { hostsFile: values.hosts }),
    tenants: integerOption(values.tenants, 'tenants', 1, 1_000_000) ?? 1000,
    seed: ownRouter || values.seed === true,
    randomSeed: integerOption(values['random-seed'], 'random-seed', 0, 2 ** 32 - 1) ?? 1,
    zipf: numberOption(values.zipf, 'zipf', 0, 10) ?? 1.1,
    ratePerSecond,
    durationMs,
    warmupMs,
    connections: integerOption(values.connections, 'connections', 1, 10_000) ?? 16,
    timeoutMs: integerOption(values.timeout, 'timeout', 1, 600_000) ?? 10_000,
    edgeRegion,
    ...(spread !== undefined && { edgeRegions: spread }),
    latency,
    readLatencyMs: numberOption(values['read-latency'], 'read-latency', 0, 10_000) ?? 0,
    ...(cacheTtlMs !== undefined && { cacheTtlMs }),
    ...(cacheMaxEntries !== undefined && { cacheMaxEntries }),
    ...(sweep !== undefined && { sweep }),
    ...(values.json !== undefined && { jsonFile: values.json }),
    ...(values.html !== undefined && { htmlFile: values.html }),
    progress: values.progress === true,
    hostsKind,
    expect: expectOption(values.expect),
    maxErrorRate: numberOption(values['max-error-rate'], 'max-error-rate', 0, 1) ?? 0,
    ...(emit !== undefined && { emit }),
    ...(values.import !== undefined && { importDir: values.import }),
  };
}

function hostsKindOption(value: string | undefined): HostsKindChoice {
  if (value === undefined) return 'platform';
  if (!(HOSTS_KIND_CHOICES as readonly string[]).includes(value))
    throw new UsageError(`--hosts-kind ${JSON.stringify(value)}: use ${HOSTS_KIND_CHOICES.join(', ')}`);
  return value as HostsKindChoice;
}

function expectOption(value: string | undefined): StatusExpectation {
  if (value === undefined) return DEFAULT_EXPECTATION;
  const parsed = parseStatusExpectation(value);
  if (!parsed.ok) throw new UsageError(`--expect ${parsed.problem}`);
  return parsed.expectation;
}

/** `--edge-regions`: only against a local edge (its own, or one at --target with --control). */
function edgeRegionsOption(
  value: string | undefined,
  inProcess: boolean,
  target: URL | undefined,
  controlUrl: URL | undefined,
  hostsFile: string | undefined,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (inProcess) throw new UsageError('--edge-regions needs the local edge over HTTP, not --in-process');
  if (target === undefined && hostsFile !== undefined)
    throw new UsageError(
      '--edge-regions picks local edge regions; it does not go with DNS (--hosts without --target)',
    );
  if (target !== undefined && controlUrl === undefined)
    throw new UsageError('--edge-regions against --target needs --control URL (reads per edge region)');
  const parsed = parseEdgeRegions(value);
  if (!parsed.ok) throw new UsageError(`--edge-regions ${parsed.problem}`);
  return parsed.regions;
}

/** The options of one run of a sweep: the swept parameter set to `value`. */
export function withSweepValue(
  options: LoadTestOptions,
  parameter: SweepSpec['parameter'],
  value: number,
): LoadTestOptions {
  switch (parameter) {
    case 'tenants':
      return { ...options, tenants: value };
    case 'ttl':
      return { ...options, cacheTtlMs: value };
    case 'cache-size':
      return { ...options, cacheMaxEntries: value };
    case 'zipf':
      return { ...options, zipf: value };
  }
}
