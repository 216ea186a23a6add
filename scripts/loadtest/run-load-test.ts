/**
 * Runs one load test: sets up the target (in-process handler, the load test's own local edge, or
 * a given address), drives it on the arrival schedule and builds the result.
 */
import type { RouterConfig } from '../../edge/config.ts';
import { regionRoundTrip } from '../../edge/region-geography.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import {
  defaultRegionsRecord,
  generatedTenantDomain,
  seedLoadTestTenants,
} from '../lib/generated-tenants.ts';
import { localDynamoDBClient } from '../lib/local-dynamodb-client.ts';
import { createProgress } from '../lib/progress.ts';
import { loadRouterConfig } from '../lib/router-config-file.ts';
import { arrivalSchedule } from './arrival-schedule.ts';
import { spreadOverEdgeRegions } from './edge-region-spread.ts';
import { generatedHosts, readHostList } from './host-list.ts';
import { createHttpTarget } from './http-target.ts';
import { startInProcessTarget } from './in-process-target.ts';
import { LoadCollector, type RequestOutcome } from './load-collector.ts';
import type { LoadTestResult, LoadTestSettings } from './load-result.ts';
import type { LoadTestOptions } from './load-test-options.ts';
import { localEdgeReads, localEdgeReadsByEdgeRegion, spawnLocalEdge } from './local-edge-child.ts';
import { errorKind, runOpenLoop } from './open-loop-driver.ts';
import { seededRandom } from './seeded-random.ts';
import { progressSuffix } from './summary-table.ts';
import { zipfSampler } from './zipf-sampler.ts';

/** A prepared target: how to send one request, how to count reads, how to clean up. */
interface PreparedTarget {
  readonly description: string;
  send(host: string, index: number): Promise<RequestOutcome>;
  /** Router table reads so far, when they can be counted. */
  readonly reads?: () => Promise<number>;
  /** The same by edge region, when requests are spread over edge regions. */
  readonly readsByEdgeRegion?: () => Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** The send function of an HTTP target: spread over `--edge-regions` when given. */
function httpSend(http: ReturnType<typeof createHttpTarget>, options: LoadTestOptions) {
  const regions = options.edgeRegions;
  if (regions === undefined) return (host: string) => http.send(host);
  return spreadOverEdgeRegions((host, headers) => http.send(host, headers), regions, errorKind);
}

/** Hooks of {@link runLoadTest}. */
export interface RunHooks {
  /** Status lines (setting up, seeding). @default stderr */
  readonly log?: (line: string) => void;
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || hostname.startsWith('127.');

async function prepareTarget(options: LoadTestOptions, log: (line: string) => void): Promise<PreparedTarget> {
  const config = loadRouterConfig();
  const seedProgress = createProgress({
    label: 'creating tenants',
    total: options.tenants,
    force: options.progress,
  });
  if (options.mode === 'in-process') {
    const target = await startInProcessTarget({
      config,
      tenants: options.tenants,
      edgeRegion: options.edgeRegion,
      ...(options.cacheTtlMs !== undefined && { cacheTtlMs: options.cacheTtlMs }),
      ...(options.cacheMaxEntries !== undefined && { cacheMaxEntries: options.cacheMaxEntries }),
      addedReadLatencyMs: options.readLatencyMs,
      onSeedProgress: (n) => seedProgress.update(n),
    });
    seedProgress.finish();
    return {
      description: 'the handler against dynalite',
      send: (host, index) => target.send(host, index),
      reads: async () => target.reads,
      close: () => target.close(),
    };
  }
  if (options.target === undefined && options.hostsFile === undefined) {
    log(`starting a local edge with ${options.tenants} generated tenants...`);
    const child = await spawnLocalEdge(
      {
        tenants: options.tenants,
        edgeRegion: options.edgeRegion,
        latency: options.latency,
        ...(options.cacheTtlMs !== undefined && { cacheTtlMs: options.cacheTtlMs }),
        ...(options.cacheMaxEntries !== undefined && { cacheMaxEntries: options.cacheMaxEntries }),
      },
      (n) => seedProgress.update(n),
    );
    seedProgress.finish();
    const http = createHttpTarget({
      target: new URL(child.url),
      connections: options.connections,
      timeoutMs: options.timeoutMs,
    });
    return {
      description: `local edge ${child.url}`,
      send: httpSend(http, options),
      reads: () => localEdgeReads(child.controlUrl),
      ...(options.edgeRegions !== undefined && {
        readsByEdgeRegion: () => localEdgeReadsByEdgeRegion(child.controlUrl),
      }),
      async close() {
        http.close();
        await child.stop();
      },
    };
  }
  if (options.seed && options.controlUrl !== undefined) {
    await seedThroughControl(options.controlUrl, options.tenants, (n) => seedProgress.update(n));
    seedProgress.finish();
  }
  const http = createHttpTarget({
    ...(options.target !== undefined && { target: options.target }),
    connections: options.connections,
    timeoutMs: options.timeoutMs,
  });
  const control = options.controlUrl;
  return {
    description: options.target?.href ?? 'hosts via DNS',
    send: httpSend(http, options),
    ...(control !== undefined && { reads: () => localEdgeReads(control.href) }),
    ...(control !== undefined &&
      options.edgeRegions !== undefined && {
        readsByEdgeRegion: () => localEdgeReadsByEdgeRegion(control.href),
      }),
    async close() {
      http.close();
    },
  };
}

/** Creates the generated tenants in the table of a running local edge, found through its `/status`. */
async function seedThroughControl(
  controlUrl: URL,
  tenants: number,
  onProgress: (n: number) => void,
): Promise<void> {
  const response = await fetch(new URL('/status', controlUrl));
  if (!response.ok) throw new Error(`local edge /status answered ${response.status}`);
  const status = (await response.json()) as { dynamodb?: { endpoint?: string; table?: string } };
  const endpoint = status.dynamodb?.endpoint;
  const table = status.dynamodb?.table;
  if (endpoint === undefined || table === undefined)
    throw new Error('local edge /status names no DynamoDB endpoint');
  // Batch puts overwrite: only ever against a local server.
  if (!isLoopback(new URL(endpoint).hostname))
    throw new Error(`refusing to seed a non-loopback table at ${endpoint}`);
  const config = loadRouterConfig();
  const client = localDynamoDBClient(endpoint, config.replicaRegions[0] as string);
  try {
    await seedLoadTestTenants({
      client,
      tableName: table,
      tenants,
      fallbackRegions: defaultRegionsRecord(config),
      onProgress,
    });
  } finally {
    client.destroy();
  }
  await replicationDrained(controlUrl);
}

/** Waits until the local edge has replicated every write to every replica that is not paused. */
async function replicationDrained(controlUrl: URL): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    const response = await fetch(new URL('/replication', controlUrl));
    // An older local edge without replication: nothing to wait for.
    if (response.status === 404) return;
    const status = (await response.json()) as Record<string, { paused: boolean; pending: number }>;
    if (Object.values(status).every((r) => r.paused || r.pending === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the local edge did not replicate the seeded tenants within 120 s');
}

/** Runs one load test and returns its result. */
export async function runLoadTest(options: LoadTestOptions, hooks: RunHooks = {}): Promise<LoadTestResult> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const hosts =
    options.hostsFile === undefined
      ? generatedHosts(options.tenants, generatedTenantDomain(loadRouterConfig()))
      : await readHostList(options.hostsFile);
  const target = await prepareTarget(options, log);
  try {
    const schedule = arrivalSchedule({
      ratePerSecond: options.ratePerSecond,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
    });
    const sampler = zipfSampler({
      n: hosts.length,
      s: options.zipf,
      random: seededRandom(options.randomSeed),
    });
    const collector = new LoadCollector();
    const scheduled = schedule.intendedMs.length - schedule.warmupCount;
    const progress = createProgress({
      label: 'loadtest',
      total: schedule.intendedMs.length,
      force: options.progress,
    });
    const startedAt = new Date().toISOString();
    const runStart = performance.now();
    let readsAtStart: Promise<number> | undefined;
    let edgeReadsAtStart: Promise<Record<string, number>> | undefined;
    const timing = await runOpenLoop({
      schedule,
      collector,
      send: (index) => target.send(hosts[sampler.next()] as string, index),
      onMeasuredStart: () => {
        readsAtStart = target.reads?.();
        edgeReadsAtStart = target.readsByEdgeRegion?.();
      },
      onProgress: (sent) =>
        progress.update(
          sent,
          sent <= schedule.warmupCount
            ? 'warm-up (not measured)'
            : progressSuffix({
                completed: collector.completed,
                errors: collector.errors,
                elapsedMs: Math.max(1, performance.now() - runStart - schedule.measuredFromMs),
                p99Ms: collector.latencyAt(99),
              }),
        ),
    });
    progress.finish();
    const readsAtEnd = await target.reads?.();
    const startReads = await readsAtStart;
    const edgeReads = differenceOf(await edgeReadsAtStart, await target.readsByEdgeRegion?.());
    const settings: LoadTestSettings = {
      mode: options.mode,
      target: target.description,
      ratePerSecond: options.ratePerSecond,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      ...(options.mode === 'http' && { connections: options.connections }),
      hosts: hosts.length,
      zipf: options.zipf,
      seed: options.randomSeed,
      extra: {
        edgeRegion:
          options.edgeRegions === undefined ? options.edgeRegion : `${options.edgeRegions.length} regions`,
        ...(options.mode === 'http' &&
          options.target === undefined &&
          options.hostsFile === undefined && { latency: describeLatencyOption(options.latency) }),
        ...(options.cacheTtlMs !== undefined && { cacheTtlMs: options.cacheTtlMs }),
        ...(options.cacheMaxEntries !== undefined && { cacheMaxEntries: options.cacheMaxEntries }),
        ...(options.readLatencyMs > 0 && { readLatencyMs: options.readLatencyMs }),
        ...(timing.maxSendLagMs > 50 && { generatorLagMs: Math.round(timing.maxSendLagMs) }),
      },
    };
    const result = collector.result({
      settings,
      startedAt,
      scheduled,
      measuredWallMs: timing.measuredWallMs,
      ...(readsAtEnd !== undefined && startReads !== undefined && { dynamoReads: readsAtEnd - startReads }),
      ...(edgeReads !== undefined && { dynamoReadsByEdgeRegion: edgeReads }),
    });
    return withNearestReplicas(result, loadRouterConfig());
  } finally {
    await target.close();
  }
}

/** Each edge region's result with the replica it reads first and that replica's round trip. */
function withNearestReplicas(result: LoadTestResult, config: RouterConfig): LoadTestResult {
  if (result.byEdgeRegion === undefined) return result;
  const byEdgeRegion = Object.fromEntries(
    Object.entries(result.byEdgeRegion).map(([edge, r]) => {
      const nearest = replicaOrderFor(edge, config)[0] as string;
      const rttMs = regionRoundTrip(edge, nearest)?.ms ?? 0;
      return [edge, { ...r, nearestReplica: { region: nearest, rttMs } }];
    }),
  );
  return { ...result, byEdgeRegion };
}

/** Reads per edge region between two readings of the counters. */
function differenceOf(
  before: Record<string, number> | undefined,
  after: Record<string, number> | undefined,
): Record<string, number> | undefined {
  if (before === undefined || after === undefined) return undefined;
  return Object.fromEntries(Object.entries(after).map(([region, n]) => [region, n - (before[region] ?? 0)]));
}

function describeLatencyOption(latency: LoadTestOptions['latency']): string {
  return typeof latency === 'string' ? latency : `scaled:${latency.scale}`;
}
