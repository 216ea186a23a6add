/**
 * Starts the whole router on one machine: one DynamoDB store per replica region (dynalite) with
 * the table and demo data, replication between them, fault-injectable endpoints per replica
 * region (an operator endpoint, and one TLS endpoint per edge region at its distance), one echo
 * origin per region (plus the dedicated and default origins), the CloudFront emulator running the
 * built handler bundle in every regional edge cache region, and the control API. Used by
 * `npm start`, the end-to-end tests, the load test, the migration tests and the chaos scenario.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from '../../edge/config.ts';
import { REGION_PATTERN } from '../../edge/model.ts';
import type { CloudFrontPolicies } from '../../infra/cloudfront-policies.ts';
import { withDerivedLookupTiming } from '../../infra/lookup-timing-derivation.ts';
import { CleanupStack } from '../lib/cleanup-stack.ts';
import { DEFAULT_EDGE_REGION } from '../lib/local-defaults.ts';
import { localDynamoDBClient } from '../lib/local-dynamodb-client.ts';
import { localTlsCredentials } from '../lib/network/local-tls.ts';
import type { ReplicationTargetStatus } from '../lib/replication/replicator.ts';
import { type LocalCloudFront, startLocalCloudFront } from './cloudfront/local-cloudfront.ts';
import { startControlApi } from './control-api.ts';
import { type DashboardState, startDashboardState } from './dashboard-state.ts';
import { type DemoData, type DemoHost, poolDomain, refreshDemoHealthUrls } from './demo-data.ts';
import { createEdgeCounters, type EdgeCounters, resetEdgeCounters } from './edge-counters.ts';
import type { EdgeHandler } from './edge-function.ts';
import { type BuiltBundle, type EdgeHandlers, loadEdgeHandlers } from './edge-handlers.ts';
import { EDGE_REGION_HEADER, startEmulatorServer } from './emulator-server.ts';
import { createFunctionLog, type FunctionLog } from './function-log.ts';
import { type LocalData, startLocalData } from './local-data.ts';
import { type LocalEndpoints, readLocalEdgeConfig, readLocalEdgePolicies } from './local-edge-config.ts';
import { assertPortFree, LocalEdgeStartError, listenOr } from './local-edge-errors.ts';
import { localEdgeStatus } from './local-edge-status.ts';
import { type LatencyOption, type LocalWorld, resolveLocalWorld } from './local-world.ts';
import { DEFAULT_ORIGIN_DOMAIN, type LocalOrigin, type OriginSet, startOriginSet } from './origin-set.ts';
import type { FaultSetting } from './replica-proxy.ts';
import {
  emulatedRoundTripMs,
  type LatencyModel,
  type ReplicaEndpoint,
  type ReplicaSet,
  startReplicaSet,
} from './replica-set.ts';

export { LocalEdgeStartError } from './local-edge-errors.ts';
export type { LatencyOption } from './local-world.ts';
export { DEFAULT_ORIGIN_DOMAIN, type LocalOrigin } from './origin-set.ts';
export type { LatencyModel, ReplicaEndpoint } from './replica-set.ts';
/** Demo hosts to print and test, re-exported for callers that only import this module. */
export type { DemoHost };

/** Value of the origin secret custom header on the emulated distribution. */
export const DEMO_ORIGIN_SECRET = 'local-demo-secret';

/** Options of {@link startLocalEdge}. Every port defaults to 0 (ephemeral); the CLI passes 8080/8081. */
export interface LocalEdgeOptions {
  /** Emulator port. @default 0 */
  readonly port?: number;
  /** Control API port. @default 0 */
  readonly controlPort?: number;
  /** Interface every server listens on. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Edge region of requests without the `x-local-edge-region` header: one of the 13 regional edge
   * cache regions. @default DEFAULT_EDGE_REGION (us-east-1)
   */
  readonly edgeRegion?: string;
  /**
   * How far the replicas are from each edge region: `none` (0 ms), `real` (the measured round
   * trips, docs/geography.md) or `{ scale }` (those times `scale`, for tests). @default 'none'
   */
  readonly latency?: LatencyOption;
  /** Jitter added to each delayed chunk, up to this many ms. @default 0 */
  readonly jitterMs?: number;
  /**
   * Lag of each replicated write (`lag-distribution.ts`: `MS`, `uniform:A-B`, `lognormal:MEDIAN,P99`);
   * with latency, half the round trip between the two regions is added. @default '0'
   */
  readonly replicationLag?: string;
  /** The replica region the tools write to. @default the first replica region */
  readonly writeRegion?: string;
  /** Folder to persist the DynamoDB data in, one folder per replica region. @default in memory */
  readonly dataDir?: string;
  /** Port of the write region's operator endpoint (what `DYNAMODB_ENDPOINT` points at). @default 0 */
  readonly dynamodbPort?: number;
  /** Router configuration file. @default config/local.json */
  readonly configFile?: string;
  /**
   * Deployment configuration whose CloudFront policies the emulator applies (what the CDK app
   * would deploy for it). @default the policies of a deployment with default settings
   */
  readonly infraConfigFile?: string;
  /**
   * Settings laid over the configuration file before validation (`cache` and `lookup` merged
   * field by field), e.g. `{ cache: { ttlMs: 1 } }` in tests. `endpoints` is always set by the
   * local edge. @default {}
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Port of the local CloudFront control plane's API (`CLOUDFRONT_ENDPOINT`). The control plane
   * always runs: the emulator serves only hosts an enabled distribution tenant with a valid
   * certificate holds, as CloudFront does; any other host gets CloudFront's 403 before the
   * function. The demo hosts and the platform domains' wildcards are active from the start;
   * callers activate their own hosts with `edge.cloudFront.activate(hosts)`, or send an event
   * straight to the function with `POST /invoke` (docs/custom-domains.md). @default 0
   */
  readonly cloudFrontPort?: number;
  /** Port (UDP) of the local DNS (`ETR_DNS_SERVER`). @default 0 */
  readonly dnsPort?: number;
  /** Seed the demo regions and tenants (only items that do not exist yet). @default true */
  readonly seed?: boolean;
  /** Run this handler instead of the built bundle (tests: a deliberately bad handler). */
  readonly handler?: EdgeHandler;
  /** Run the `handler` export of this module instead of the built bundle (`--handler FILE`). */
  readonly handlerModule?: string;
  /** Diagnostics of the emulator (rule violations, handler errors). @default none */
  readonly log?: (line: string) => void;
  /** Decides which requests a partial replica fault hits. @default Math.random */
  readonly random?: () => number;
  /**
   * Where the function's lines go besides the function log (`GET /logs`, the dashboard).
   * @default this process's stdout, as a Lambda container's stdout goes to its log stream
   */
  readonly echoFunctionOutput?: ((line: string) => void) | false;
}

/** A running local edge. */
export interface LocalEdge {
  /** CloudFront emulator base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Control API base URL. */
  readonly controlUrl: string;
  /**
   * The write region's operator endpoint: where the tools write (`DYNAMODB_ENDPOINT`); writes are
   * replicated to the other replicas after the lag.
   */
  readonly dynamodbEndpoint: string;
  /** The replica region the tools write to. */
  readonly writeRegion: string;
  /** Replica region -> its endpoints: operator, and one per edge region (what the router reads). */
  readonly replicas: Readonly<Record<string, ReplicaEndpoint>>;
  /** The edge regions the function runs in (the regional edge cache regions). */
  readonly edgeRegions: readonly string[];
  /** How far the replicas are from the edge regions. */
  readonly latency: LatencyModel;
  /** The generated CA the replica clients trust (PEM). */
  readonly caCertificate: string;
  /** Replication between the replicas: status, the `replication` fault (pause), drain. */
  readonly replication: LocalReplication;
  /** Origin domain name -> the local server standing in for it. */
  readonly origins: Readonly<Record<string, LocalOrigin>>;
  /** The configuration baked into the handler (endpoints point at the replica endpoints). */
  readonly config: RouterConfig;
  readonly defaultEdgeRegion: string;
  /** Header that picks the emulated edge region of one request. */
  readonly edgeRegionHeader: string;
  /** The demo data set (hosts, tenants, regions). */
  readonly demo: DemoData;
  /** Live counters of the emulator (also in `GET /status`). */
  readonly counters: Readonly<EdgeCounters>;
  /** Every line the function wrote in each emulated edge region (the local CloudWatch Logs). */
  readonly functionLog: FunctionLog;
  /** The built bundle, when the router bundle is running. */
  readonly bundle: BuiltBundle | undefined;
  /** The local CloudFront control plane and DNS (`activate(hosts)` makes hosts served). */
  readonly cloudFront: LocalCloudFront;
  /** A client of {@link dynamodbEndpoint} (local credentials); closed by {@link LocalEdge.stop}. */
  readonly client: DynamoDBClient;
  /**
   * Writes the same data into every replica's store directly, not replicated (set-up before
   * traffic, e.g. generated tenants, as if the table had been created with them).
   */
  writeInitialData(write: (client: DynamoDBClient, region: string) => Promise<unknown>): Promise<void>;
  /** Sets a replica region's fault. Throws RangeError for an unknown region or a bad setting. */
  setFault(region: string, fault: FaultSetting): Promise<void>;
  /** Every replica endpoint back to normal. */
  clearFaults(): Promise<void>;
  /** Zeroes the emulator counters. */
  resetCounters(): void;
  /**
   * Stops every replica's store for good (in-memory data is lost); replica endpoints then drop
   * every connection. For a recoverable outage use `setFault(region, { mode: 'refuse' })`.
   */
  stopDynamoDB(): Promise<void>;
  /** Stops everything and removes the temporary bundle. Safe to call twice. */
  stop(): Promise<void>;
}

/** Replication between the local replicas. */
export interface LocalReplication {
  /** Replica region -> pending, applied, paused, lag. */
  status(): Record<string, ReplicationTargetStatus>;
  /** The `replication` fault: writes into `region` queue up until {@link resume}. */
  pause(region: string): void;
  resume(region: string): void;
  /** Resolves once every write made so far reached every replica that is not paused. */
  drained(): Promise<void>;
}

/**
 * Starts a local edge, step by step: configuration, data, replicas, origins, handlers, the
 * CloudFront emulator and the control API. Each step's resources go on one cleanup stack, so a
 * failure at any step closes what the earlier ones started; `stop()` closes them all.
 * Credentials and endpoints are passed to every client explicitly; the process environment is
 * neither read for them nor written.
 *
 * @example
 * const edge = await startLocalEdge({ config: { cache: { ttlMs: 1 } } });
 * const res = await fetch(edge.url, { headers: { host: 'shop.acme.com' } }); // undici: use a dispatcher, see docs
 * await edge.setFault('us-east-1', { mode: 'hang' });
 * await edge.stop();
 */
export async function startLocalEdge(options: LocalEdgeOptions = {}): Promise<LocalEdge> {
  const host = options.host ?? '127.0.0.1';
  const edgeRegion = options.edgeRegion ?? DEFAULT_EDGE_REGION;
  if (!REGION_PATTERN.test(edgeRegion))
    throw new LocalEdgeStartError(`edge region ${JSON.stringify(edgeRegion)} is not an AWS region name`);
  // Fail in milliseconds, before building anything, when a fixed port is taken.
  await assertPortFree(host, options.port, 'port');
  await assertPortFree(host, options.controlPort, 'control-port');
  await assertPortFree(host, options.dynamodbPort, 'dynamodb-port');
  const { draft, withEndpoints } = await readLocalEdgeConfig(options.configFile, options.config);
  const world = resolveLocalWorld({ ...options, edgeRegion, replicaRegions: draft.replicaRegions });
  const policies = await readLocalEdgePolicies(options.infraConfigFile);
  return CleanupStack.build(async (stack) => {
    const data = stack.use(await startData(options, draft, world, host));
    const tls = await localTlsCredentials();
    const replicas = stack.use(
      await startReplicaSet({
        regions: draft.replicaRegions,
        stores: data.stores,
        replicator: data.replicator,
        tls,
        edgeRegions: world.edgeRegions,
        latency: world.latency,
        jitterMs: world.jitterMs,
        host,
        random: options.random,
        ...(options.dynamodbPort === undefined
          ? {}
          : { operatorPorts: { [world.writeRegion]: options.dynamodbPort } }),
      }),
    );
    const writeEndpoint = replicas.endpoints[world.writeRegion] as string;
    const client = localDynamoDBClient(writeEndpoint, world.writeRegion);
    stack.defer(() => client.destroy());
    const origins = stack.use(await startOriginSet(draft, host));
    // The demo regions' health URLs are the local pool origins', so migrate and evacuate pass
    // their preflight out of the box (the pool domains do not resolve); in every replica, as the
    // rest of the initial data.
    if (options.seed ?? true) {
      const healthUrls = Object.fromEntries(
        draft.replicaRegions.map((region) => [region, `${origins.resolve(poolDomain(region)) ?? ''}/health`]),
      );
      await data.writeInitialData((store) => refreshDemoHealthUrls(store, draft.tableName, healthUrls));
    }
    const config = routerConfigOf(withEndpoints, replicas, tls.caCertificate, world);
    const echo = options.echoFunctionOutput;
    const functionLog = createFunctionLog({
      ...(echo !== false && { echo: echo ?? ((line: string) => process.stdout.write(`${line}\n`)) }),
    });
    const handlers = stack.use(await loadEdgeHandlers(config, options, functionLog.write));
    let emulatorUrl = '';
    const cloudFront = stack.use(
      await startLocalCloudFront({
        edgeUrl: () => emulatorUrl,
        host,
        port: options.cloudFrontPort ?? 0,
        dnsPort: options.dnsPort ?? 0,
        activeHosts: [...data.demo.domains.map((d) => d.host), ...draft.platformDomains.map((d) => `*.${d}`)],
      }),
    );
    const parts: Parts = {
      options,
      host,
      edgeRegion,
      world,
      config,
      data,
      replicas,
      origins,
      handlers,
      policies,
      counters: createEdgeCounters(),
      functionLog,
      cloudFront,
    };
    const emulator = stack.use(await startEmulator(parts));
    emulatorUrl = emulator.url;
    const dashboard = stack.use(
      startDashboardState({ functionLog, counters: parts.counters, replicas: () => replicas.views() }),
    );
    const control = stack.use(await startControl(parts, emulator.url, dashboard));
    return localEdgeOf(parts, {
      url: emulator.url,
      controlUrl: control.url,
      client,
      caCertificate: tls.caCertificate,
      stack,
    });
  });
}

/**
 * The configuration baked into the handlers: the replicas' endpoints and CA, and the lookup timing
 * derived from this world's distances, as the build derives it from the map.
 */
function routerConfigOf(
  withEndpoints: (endpoints: LocalEndpoints) => RouterConfig,
  replicas: ReplicaSet,
  caCertificate: string,
  world: LocalWorld,
): RouterConfig {
  return withDerivedLookupTiming(
    withEndpoints({
      endpoints: replicas.endpoints,
      edgeEndpoints: replicas.edgeEndpoints,
      endpointCaCertificate: caCertificate,
    }),
    (edge, replica) => worldRoundTripMs(world, edge, replica),
  );
}

/**
 * The round trip a function in `edge` sees to `replica` in this world, its worst jitter included
 * (a round trip is at least two delayed chunks).
 */
function worldRoundTripMs(world: LocalWorld, edge: string, replica: string): number {
  return emulatedRoundTripMs(world.latency, edge, replica) + 2 * world.jitterMs;
}

/** The data step: the stores, the demo data and replication, with the emulated distance. */
function startData(options: LocalEdgeOptions, draft: RouterConfig, world: LocalWorld, host: string) {
  return startLocalData({
    config: draft,
    host,
    dataDir: options.dataDir,
    seed: options.seed ?? true,
    replicationLag: world.replicationLag,
    // A replicated write crosses the distance between the regions once: half a round trip.
    distanceMs: (source, target) => emulatedRoundTripMs(world.latency, source, target) / 2,
    log: options.log,
  });
}

/** The running local edge, over what the steps started. */
function localEdgeOf(
  parts: Parts,
  started: {
    readonly url: string;
    readonly controlUrl: string;
    readonly client: DynamoDBClient;
    readonly caCertificate: string;
    readonly stack: CleanupStack;
  },
): LocalEdge {
  const { data, replicas, world } = parts;
  const replicator = data.replicator;
  return {
    url: started.url,
    controlUrl: started.controlUrl,
    dynamodbEndpoint: replicas.endpoints[world.writeRegion] as string,
    writeRegion: world.writeRegion,
    replicas: replicas.views(),
    edgeRegions: world.edgeRegions,
    latency: world.latency,
    caCertificate: started.caCertificate,
    replication: {
      status: () => replicator.status(),
      pause: (region) => replicator.pause(region),
      resume: (region) => replicator.resume(region),
      drained: () => replicator.drained(),
    },
    origins: parts.origins.views(),
    config: parts.config,
    defaultEdgeRegion: parts.edgeRegion,
    edgeRegionHeader: EDGE_REGION_HEADER,
    demo: data.demo,
    counters: parts.counters,
    functionLog: parts.functionLog,
    bundle: parts.handlers.bundle,
    cloudFront: parts.cloudFront,
    client: started.client,
    writeInitialData: (write) => data.writeInitialData(write),
    setFault: (region, fault) => replicas.setFault(region, fault),
    clearFaults: () => replicas.clearFaults(),
    resetCounters: () => resetEdgeCounters(parts.counters),
    stopDynamoDB: () => data.stopStores(),
    // Closing must never fail a caller's shutdown: every step has run by the time this settles.
    stop: () => started.stack.close().catch(() => {}),
  };
}

/** What the steps started, for the emulator and the control API. */
interface Parts {
  readonly options: LocalEdgeOptions;
  readonly host: string;
  readonly edgeRegion: string;
  readonly world: LocalWorld;
  readonly config: RouterConfig;
  readonly data: LocalData;
  readonly replicas: ReplicaSet;
  readonly origins: OriginSet;
  readonly handlers: EdgeHandlers;
  /** The CloudFront policies the deployment would have (`--infra-config`). */
  readonly policies: CloudFrontPolicies;
  readonly counters: EdgeCounters;
  readonly functionLog: FunctionLog;
  readonly cloudFront: LocalCloudFront;
}

/** The CloudFront emulator step: the distribution's default origin carries the origin secret. */
function startEmulator(parts: Parts) {
  const { options, config } = parts;
  return listenOr(
    startEmulatorServer({
      edgeFunction: parts.handlers.edgeFunction,
      defaultEdgeRegion: parts.edgeRegion,
      edgeRegions: new Set(parts.world.edgeRegions),
      defaultOrigin: {
        domainName: DEFAULT_ORIGIN_DOMAIN,
        customHeaders: { [config.originSecretHeader]: DEMO_ORIGIN_SECRET },
      },
      resolveOrigin: parts.origins.resolve,
      counters: parts.counters,
      policies: parts.policies,
      hostGate: {
        serves: (h: string) => parts.cloudFront.servingTenant(h) !== undefined,
        validationAnswer: (h: string, path: string) => parts.cloudFront.validationAnswer(h, path),
      },
      host: parts.host,
      port: options.port ?? 0,
      ...(options.log ? { log: options.log } : {}),
    }),
    'port',
    options.port,
  );
}

/** The control API step: status, `/invoke`, faults, counters, logs and the dashboard. */
async function startControl(parts: Parts, edgeUrl: string, dashboard: DashboardState) {
  const { options } = parts;
  let controlUrl = '';
  const sources = { ...parts, startedAt: new Date().toISOString(), edgeUrl, controlUrl: () => controlUrl };
  const control = await listenOr(
    startControlApi({
      status: () =>
        localEdgeStatus({ ...sources, defaultEdgeRegion: parts.edgeRegion, dataDir: options.dataDir }),
      edgeFunction: parts.handlers.edgeFunction,
      defaultEdgeRegion: parts.edgeRegion,
      edgeRegions: new Set(parts.world.edgeRegions),
      replicas: parts.replicas.byRegion,
      replicator: parts.data.replicator,
      resetCounters: () => resetEdgeCounters(parts.counters),
      functionLog: parts.functionLog,
      dashboard,
      cloudFront: parts.cloudFront,
      host: parts.host,
      port: options.controlPort ?? 0,
    }),
    'control-port',
    options.controlPort,
  );
  controlUrl = control.url;
  return control;
}
