/**
 * Starts the whole router on one machine: the embedded DynamoDB server (dynalite) with the table
 * and demo data, one fault-injectable DynamoDB endpoint per replica region, one echo origin per
 * region (plus the dedicated and default origins), the CloudFront emulator running the built
 * handler bundle, and the control API. Used by `npm start`, the end-to-end tests, the load test,
 * the migration tests and the chaos scenario.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import { REGION_PATTERN } from '../../edge/model.ts';
import { bundleEdgeFunction } from '../../infra/edge-bundle.ts';
import { type DynaliteServer, startDynalite } from '../lib/dynalite-server.ts';
import { LOCAL_CREDENTIALS } from '../lib/local-credentials.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import type { DefaultOriginSettings } from './cloudfront-event.ts';
import { startControlApi } from './control-api.ts';
import {
  DEDICATED_ORIGIN_DOMAIN,
  type DemoData,
  type DemoHost,
  demoData,
  poolDomain,
  S3_ORIGIN_DOMAIN,
  seedDemoData,
} from './demo-data.ts';
import { createEdgeCounters, type EdgeCounters, resetEdgeCounters } from './edge-counters.ts';
import {
  type EdgeFunction,
  type EdgeHandler,
  type HandlerSource,
  loadEdgeFunction,
} from './edge-function.ts';
import { EDGE_REGION_HEADER, startEmulatorServer } from './emulator-server.ts';
import { type RegionOrigin, startRegionOrigin } from './region-origin.ts';
import { type FaultSetting, type ReplicaProxy, startReplicaProxy } from './replica-proxy.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The demo router configuration. */
export const DEFAULT_CONFIG_FILE = join(REPO_ROOT, 'config/local.json');
/** Domain of the distribution's default origin (what the event carries before the router rewrites it). */
export const DEFAULT_ORIGIN_DOMAIN = 'default.origin.example.com';
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
  /** Edge region of requests without the `x-local-edge-region` header. @default 'us-east-1' */
  readonly edgeRegion?: string;
  /** Folder to persist the DynamoDB data in. @default in memory */
  readonly dataDir?: string;
  /** Router configuration file. @default config/local.json */
  readonly configFile?: string;
  /**
   * Settings laid over the configuration file before validation (`cache` and `lookup` merged
   * field by field), e.g. `{ cache: { ttlMs: 1 } }` in tests. `endpoints` is always set by the
   * local edge. @default {}
   */
  readonly config?: Readonly<Record<string, unknown>>;
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
}

/** One replica region's DynamoDB endpoint. */
export interface ReplicaEndpoint {
  readonly region: string;
  readonly endpoint: string;
  readonly fault: FaultSetting;
  readonly counters: ReplicaProxy['counters'];
  setFault(fault: FaultSetting): Promise<void>;
}

/** One local origin server and the origin domain it stands in for. */
export interface LocalOrigin {
  readonly name: string;
  readonly domainName: string;
  readonly region: string | null;
  readonly url: string;
}

/** A running local edge. */
export interface LocalEdge {
  /** CloudFront emulator base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Control API base URL. */
  readonly controlUrl: string;
  /** The embedded DynamoDB server itself (not behind a replica endpoint). */
  readonly dynamodbEndpoint: string;
  /** Replica region -> its fault-injectable DynamoDB endpoint (what the router reads). */
  readonly replicas: Readonly<Record<string, ReplicaEndpoint>>;
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
  /** The built bundle, when the router bundle is running. */
  readonly bundle: { readonly file: string; readonly bytes: number; readonly buildMs: number } | undefined;
  /** A client of the embedded server (local credentials); closed by {@link LocalEdge.stop}. */
  readonly client: DynamoDBClient;
  /** Sets a replica region's fault. Throws RangeError for an unknown region or a bad setting. */
  setFault(region: string, fault: FaultSetting): Promise<void>;
  /** Every replica endpoint back to normal. */
  clearFaults(): Promise<void>;
  /** Zeroes the emulator counters. */
  resetCounters(): void;
  /**
   * Stops the embedded DynamoDB server for good (in-memory data is lost); replica endpoints then
   * drop every connection. For a recoverable outage use `setFault(region, { mode: 'refuse' })`.
   */
  stopDynamoDB(): Promise<void>;
  /** Stops everything and removes the temporary bundle. Safe to call twice. */
  stop(): Promise<void>;
}

/** The local edge could not start (port in use, bad option); the message is one line. */
export class LocalEdgeStartError extends Error {
  override readonly name = 'LocalEdgeStartError';
}

/**
 * Starts a local edge.
 *
 * @example
 * const edge = await startLocalEdge({ config: { cache: { ttlMs: 1 } } });
 * const res = await fetch(edge.url, { headers: { host: 'shop.acme.com' } }); // undici: use a dispatcher, see docs
 * await edge.setFault('us-east-1', { mode: 'hang' });
 * await edge.stop();
 */
export async function startLocalEdge(options: LocalEdgeOptions = {}): Promise<LocalEdge> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const host = options.host ?? '127.0.0.1';
  const edgeRegion = options.edgeRegion ?? 'us-east-1';
  if (!REGION_PATTERN.test(edgeRegion))
    throw new LocalEdgeStartError(`edge region ${JSON.stringify(edgeRegion)} is not an AWS region name`);
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  };

  try {
    // Fail in milliseconds, before building anything, when a fixed port is taken.
    await assertPortFree(host, options.port, 'port');
    await assertPortFree(host, options.controlPort, 'control-port');
    const fileConfig = JSON.parse(
      await readFile(options.configFile ?? DEFAULT_CONFIG_FILE, 'utf8'),
    ) as Record<string, unknown>;
    const input = mergeConfig(fileConfig, options.config ?? {});
    // Validate once without endpoints to learn the replica regions (fails fast on a bad file).
    const draft = resolveRouterConfig({ ...input, endpoints: {} });

    const dynamo: DynaliteServer = await startDynalite({
      host,
      ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
    });
    let dynamoStopped = false;
    const stopDynamo = async () => {
      if (dynamoStopped) return;
      dynamoStopped = true;
      await dynamo.close();
    };
    cleanups.push(stopDynamo);
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: edgeRegion,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanups.push(async () => client.destroy());
    await ensureRouterTable(client, draft.tableName);
    const demo = demoData({
      platformDomain: draft.platformDomains[0] ?? 'app.example.com',
      regions: draft.replicaRegions,
      now: new Date().toISOString(),
    });
    if (options.seed ?? true) await seedDemoData(client, draft.tableName, demo);

    const replicaList = await Promise.all(
      draft.replicaRegions.map((region) =>
        startReplicaProxy({
          region,
          target: dynamo.endpoint,
          host,
          ...(options.random ? { random: options.random } : {}),
        }),
      ),
    );
    const replicas = new Map(replicaList.map((r) => [r.region as string, r]));
    cleanups.push(() => Promise.all(replicaList.map((r) => r.close())));

    const watch = [draft.originSecretHeader];
    const originSpecs: { name: string; domainName: string; region: string | null }[] = [
      ...draft.replicaRegions.map((region) => ({
        name: `pool.${region}`,
        domainName: poolDomain(region),
        region,
      })),
      { name: 'dedicated:hooli', domainName: DEDICATED_ORIGIN_DOMAIN, region: null },
      { name: 's3:tenant-assets', domainName: S3_ORIGIN_DOMAIN, region: 'eu-west-1' },
      { name: 'default', domainName: DEFAULT_ORIGIN_DOMAIN, region: null },
    ];
    if (
      draft.unknownHost.action === 'forward' &&
      !originSpecs.some(
        (o) => o.domainName === (draft.unknownHost as { origin: { domainName: string } }).origin.domainName,
      )
    ) {
      originSpecs.push({
        name: 'unknown-host',
        domainName: draft.unknownHost.origin.domainName,
        region: null,
      });
    }
    const originList: RegionOrigin[] = await Promise.all(
      originSpecs.map((spec) => startRegionOrigin({ ...spec, watchHeaders: watch, host })),
    );
    cleanups.push(() => Promise.all(originList.map((o) => o.close())));
    const origins = new Map(originList.map((o) => [o.domainName, o]));

    const config = resolveRouterConfig({
      ...input,
      endpoints: Object.fromEntries(replicaList.map((r) => [r.region, r.endpoint])),
    });

    // The bundled SDK finds credentials in the environment, as Lambda's role credentials would be.
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
    let bundle: LocalEdge['bundle'];
    let source: HandlerSource;
    if (options.handler !== undefined) source = { kind: 'function', handler: options.handler };
    else if (options.handlerModule !== undefined) source = { kind: 'module', file: options.handlerModule };
    else {
      const outdir = await mkdtemp(join(tmpdir(), 'local-edge-'));
      cleanups.push(() => rm(outdir, { recursive: true, force: true }));
      const started = performance.now();
      // The same minified bundle as production, so what runs and what is measured here is what ships.
      const built = await bundleEdgeFunction({ config, outdir });
      bundle = { ...built, buildMs: Math.round(performance.now() - started) };
      source = { kind: 'bundle', file: built.file };
    }
    const edgeFunction: EdgeFunction = await loadEdgeFunction(source);

    const counters = createEdgeCounters();
    const defaultOrigin: DefaultOriginSettings = {
      domainName: DEFAULT_ORIGIN_DOMAIN,
      customHeaders: { [config.originSecretHeader]: DEMO_ORIGIN_SECRET },
    };
    const resolveOrigin = (domainName: string) => origins.get(domainName.toLowerCase())?.url;
    const emulator = await listenOr(
      startEmulatorServer({
        edgeFunction,
        defaultEdgeRegion: edgeRegion,
        defaultOrigin,
        resolveOrigin,
        counters,
        host,
        port: options.port ?? 0,
        ...(options.log ? { log: options.log } : {}),
      }),
      'port',
      options.port,
    );
    cleanups.push(() => emulator.close());

    const startedAt = new Date().toISOString();
    const replicaView = (r: ReplicaProxy): ReplicaEndpoint => ({
      region: r.region,
      endpoint: r.endpoint,
      get fault() {
        return r.fault;
      },
      counters: r.counters,
      setFault: (fault) => r.setFault(fault),
    });
    const originView = (o: RegionOrigin): LocalOrigin => ({
      name: o.name,
      domainName: o.domainName,
      region: o.region,
      url: o.url,
    });
    const status = () => ({
      startedAt,
      edge: { url: emulator.url, defaultEdgeRegion: edgeRegion, edgeRegionHeader: EDGE_REGION_HEADER },
      control: { url: control.url },
      dynamodb: {
        endpoint: dynamo.endpoint,
        running: !dynamoStopped,
        table: config.tableName,
        dataDir: options.dataDir ?? null,
      },
      replicas: Object.fromEntries(
        replicaList.map((r) => [r.region, { endpoint: r.endpoint, fault: r.fault, counters: r.counters }]),
      ),
      origins: Object.fromEntries(
        originList.map((o) => [o.domainName, { ...originView(o), requests: o.requests }]),
      ),
      regions: config.replicaRegions,
      handler: {
        source: edgeFunction.description,
        bundle: bundle ?? null,
        loadedEdgeRegions: edgeFunction.loadedRegions,
      },
      counters,
      demoHosts: demo.hosts,
    });
    const control = await listenOr(
      startControlApi({
        status,
        edgeFunction,
        defaultEdgeRegion: edgeRegion,
        replicas,
        resetCounters: () => resetEdgeCounters(counters),
        host,
        port: options.controlPort ?? 0,
      }),
      'control-port',
      options.controlPort,
    );
    cleanups.push(() => control.close());

    let stopped: Promise<void> | undefined;
    return {
      url: emulator.url,
      controlUrl: control.url,
      dynamodbEndpoint: dynamo.endpoint,
      replicas: Object.fromEntries(replicaList.map((r) => [r.region, replicaView(r)])),
      origins: Object.fromEntries(originList.map((o) => [o.domainName, originView(o)])),
      config,
      defaultEdgeRegion: edgeRegion,
      edgeRegionHeader: EDGE_REGION_HEADER,
      demo,
      counters,
      bundle,
      client,
      async setFault(region, fault) {
        const replica = replicas.get(region);
        if (replica === undefined) throw new RangeError(`no replica endpoint for ${JSON.stringify(region)}`);
        await replica.setFault(fault);
      },
      async clearFaults() {
        await Promise.all(replicaList.map((r) => r.setFault({ mode: 'normal' })));
      },
      resetCounters: () => resetEdgeCounters(counters),
      stopDynamoDB: stopDynamo,
      stop() {
        stopped ??= cleanup();
        return stopped;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Demo hosts to print and test, re-exported for callers that only import this module. */
export type { DemoHost };

/** Turns EADDRINUSE and friends into a one-line {@link LocalEdgeStartError} naming the option. */
async function listenOr<T>(starting: Promise<T>, option: string, port: number | undefined): Promise<T> {
  try {
    return await starting;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new LocalEdgeStartError(`port ${port} is already in use (--${option})`);
    if (code === 'EACCES')
      throw new LocalEdgeStartError(`no permission to listen on port ${port} (--${option})`);
    throw error;
  }
}

/** Throws {@link LocalEdgeStartError} when a fixed port cannot be bound (0 and undefined pass). */
async function assertPortFree(host: string, port: number | undefined, option: string): Promise<void> {
  if (port === undefined || port === 0) return;
  const probe = createNetServer();
  await listenOr(
    new Promise<void>((resolveListen, reject) => {
      probe.once('error', reject);
      probe.listen(port, host, () => resolveListen());
    }),
    option,
    port,
  );
  await new Promise((resolveClose) => probe.close(resolveClose));
}

/** Lays `overrides` over the file's settings; `cache` and `lookup` are merged field by field. */
function mergeConfig(
  file: Record<string, unknown>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...file, ...overrides };
  for (const key of ['cache', 'lookup']) {
    const a = file[key];
    const b = overrides[key];
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
      merged[key] = { ...a, ...b };
  }
  return merged;
}
