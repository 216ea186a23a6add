/**
 * The system a load test drives: the in-process handler, the load test's own local edge in a
 * child process, or a given address (a running local edge, seeded through its control API, or a
 * deployment), with what can be counted there (table reads, by edge region, by host kind).
 */
import type { RouterConfig } from '../../edge/config.ts';
import { generatedDomainHosts, type HostKind } from '../lib/generated-hosts.ts';
import { defaultRegionsRecord } from '../lib/generated-tenants.ts';
import { localDynamoDBClient } from '../lib/local-dynamodb-client.ts';
import { createProgress } from '../lib/progress.ts';
import { seedLoadTestTenants } from '../lib/seed-generated-tenants.ts';
import { labelViewerCache, spreadOverEdgeRegions } from './edge-region-spread.ts';
import { createHttpTarget } from './http-target.ts';
import { startInProcessTarget } from './in-process-target.ts';
import type { RequestOutcome } from './load-collector.ts';
import type { LoadTestOptions } from './load-test-options.ts';
import { localEdgeReads, localEdgeReadsByEdgeRegion, spawnLocalEdge } from './local-edge-child.ts';
import { errorKind } from './open-loop-driver.ts';

/** A prepared target: how to send one request, how to count reads, how to clean up. */
export interface PreparedTarget {
  readonly description: string;
  send(host: string, index: number): Promise<RequestOutcome>;
  /** Router table reads so far, when they can be counted. */
  readonly reads?: () => Promise<number>;
  /**
   * Whether {@link reads} reads the counter when called (in-process); otherwise it is read when a
   * remote answer is made, a little before the promise settles.
   */
  readonly readsOnCall?: boolean;
  /** The same by edge region, when requests are spread over edge regions. */
  readonly readsByEdgeRegion?: () => Promise<Record<string, number>>;
  /** The same by host kind (DOMAIN and TENANT items), when each read's key is seen (in-process). */
  readonly readsByHostKind?: () => Partial<Record<HostKind, number>>;
  close(): Promise<void>;
}

/** The send function of an HTTP target: spread over `--edge-regions` when given. */
function httpSend(http: ReturnType<typeof createHttpTarget>, options: LoadTestOptions) {
  const regions = options.edgeRegions;
  if (regions === undefined) return labelViewerCache((host) => http.send(host));
  return spreadOverEdgeRegions((host, headers) => http.send(host, headers), regions, errorKind);
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || hostname.startsWith('127.');

/** Starts (or connects to) the target of `options`, creating the generated tenants where it seeds. */
export async function prepareTarget(
  options: LoadTestOptions,
  config: RouterConfig,
  log: (line: string) => void,
): Promise<PreparedTarget> {
  const seedProgress = createProgress({
    label: 'creating tenants',
    total: options.tenants,
    force: options.progress,
  });
  if (options.mode === 'in-process') {
    const target = await startInProcessTarget({
      config,
      tenants: options.tenants,
      hostsKind: options.hostsKind,
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
      readsOnCall: true,
      readsByHostKind: () => target.readsByHostKind(),
      close: () => target.close(),
    };
  }
  if (options.target === undefined && options.hostsFile === undefined) {
    log(`starting a local edge with ${options.tenants} generated tenants (${options.hostsKind} hosts)...`);
    const child = await spawnLocalEdge(
      {
        tenants: options.tenants,
        hostsKind: options.hostsKind,
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
    await seedThroughControl(options.controlUrl, options, config, (n) => seedProgress.update(n));
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

/**
 * Creates the generated tenants in the table of a running local edge, found through its
 * `/status`, and waits until they are replicated.
 */
export async function seedThroughControl(
  controlUrl: URL,
  options: Pick<LoadTestOptions, 'tenants' | 'hostsKind'>,
  config: RouterConfig,
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
  const client = localDynamoDBClient(endpoint, config.replicaRegions[0] as string);
  try {
    await seedLoadTestTenants({
      client,
      tableName: table,
      tenants: options.tenants,
      hostsKind: options.hostsKind,
      fallbackRegions: defaultRegionsRecord(config),
      onProgress,
    });
  } finally {
    client.destroy();
  }
  await replicationDrained(controlUrl);
  await activateHosts(controlUrl, generatedDomainHosts(options.tenants, options.hostsKind));
}

/** Hosts per `PUT /cloudfront/active-hosts` (the control API takes bodies up to 6 MB). */
const ACTIVATE_BATCH = 10_000;

/**
 * Makes the generated custom and wildcard hosts distribution tenants of a local edge whose
 * CloudFront gate is on, so they reach the function (a local edge without the gate answers 404).
 */
async function activateHosts(controlUrl: URL, hosts: readonly string[]): Promise<void> {
  for (let i = 0; i < hosts.length; i += ACTIVATE_BATCH) {
    const response = await fetch(new URL('/cloudfront/active-hosts', controlUrl), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hosts: hosts.slice(i, i + ACTIVATE_BATCH) }),
    });
    if (response.status === 404) return;
    if (!response.ok) throw new Error(`local edge /cloudfront/active-hosts answered ${response.status}`);
  }
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
