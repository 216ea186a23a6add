/**
 * Microbenchmarks of the router's hot paths, all in one process and one run so their ratios are
 * fair: the bare `Map.get` + request rewrite floor, host parsing, the event rewrite, a warm cache
 * hit through the whole handler, a cache miss through the whole handler against dynalite, and the
 * raw SDK GetItem round-trip to the same server (the part of a miss that is not the router's).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { routeToCloudFrontRequest } from '../../edge/cloudfront-request.ts';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import { createReplicaClient } from '../../edge/dynamodb-tenant-store.ts';
import { parseHostHeader } from '../../edge/host.ts';
import { PARTITION_KEY, tenantKey } from '../../edge/items.ts';
import { silentLogger } from '../../edge/logger.ts';
import type { Region, RouteDecision, TenantId } from '../../edge/model.ts';
import type { createOriginRequestHandler as CreateHandler } from '../../edge/origin-request.ts';
import { routeRequest } from '../../edge/resolve-route.ts';
import { bundleEdgeFunction } from '../../infra/edge-bundle.ts';
import { startDynalite } from '../lib/dynalite-server.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import { createReadMeter } from '../loadtest/dynamodb-read-meter.ts';
import { originRequestEvent } from '../loadtest/origin-request-event.ts';
import {
  defaultRegionsRecord,
  loadTestHost,
  loadTestTenantId,
  seedLoadTestTenants,
} from '../loadtest/tenant-seeder.ts';
import { type BenchCase, type BenchResult, type MeasureOptions, measureInterleaved } from './harness.ts';

/** Names of the hot-path benchmarks, in the order they run. */
export const HOT_PATHS = [
  'floor',
  'host-parse',
  'event-rewrite',
  'route-core',
  'cache-hit',
  'cache-miss',
  'raw-getitem',
] as const;
/** One hot-path benchmark. */
export type HotPath = (typeof HOT_PATHS)[number];

/** What each benchmark measures, for the report. */
export const HOT_PATH_DESCRIPTIONS: Record<HotPath, string> = {
  floor: 'floor: Map.get + request rewrite',
  'host-parse': 'host parsing (parseHostHeader)',
  'event-rewrite': 'event rewrite (routeToCloudFrontRequest)',
  'route-core': 'routing core, warm cache (routeRequest)',
  'cache-hit': 'cache hit, whole handler (built bundle)',
  'cache-miss': 'cache miss, whole handler (built bundle), dynalite',
  'raw-getitem': 'raw SDK GetItem, dynalite',
};

/** Options of {@link runHotPathBenchmarks}. */
export interface HotPathOptions {
  readonly config: RouterConfig;
  /** Harness settings of the in-memory paths. */
  readonly measure: MeasureOptions;
  /** Harness settings of the paths that make a network round-trip. */
  readonly measureNetwork: MeasureOptions;
  /** Called before each group of interleaved benchmarks starts. */
  readonly onStart?: (paths: readonly HotPath[]) => void;
}

/** Resets the viewer's Host header: the handler rewrites the event in place. */
function resetHost(request: CloudFrontRequest, host: string): void {
  request.headers.host = [{ key: 'Host', value: host }];
}

/** Runs every hot-path benchmark; results in {@link HOT_PATHS} order. */
export async function runHotPathBenchmarks(options: HotPathOptions): Promise<Record<HotPath, BenchResult>> {
  const dynalite = await startDynalite();
  const clients: DynamoDBClient[] = [];
  try {
    const config = resolveRouterConfig({
      ...options.config,
      endpoints: Object.fromEntries(options.config.replicaRegions.map((r) => [r, dynalite.endpoint])),
    });
    const region = config.replicaRegions[0] as Region;
    // Every client is metered alike (the middleware costs the same on both sides of a comparison).
    const meter = createReadMeter();
    const newClient = (r: Region) => {
      // Exactly the router's own client (one attempt, abortable, keep-alive), at config.endpoints.
      const client = createReplicaClient(config, r);
      clients.push(client);
      return meter.instrument(client, r);
    };
    const admin = newClient(region);
    await ensureRouterTable(admin, config.tableName);
    const suffix = config.allowedOriginSuffixes.find((s) => s.startsWith('.')) ?? '.origin.example.com';
    const regions = defaultRegionsRecord(config.replicaRegions, suffix);
    await seedLoadTestTenants({
      client: admin,
      tableName: config.tableName,
      tenants: 10,
      fallbackRegions: regions,
    });

    const platform = config.platformDomains[0] ?? 'app.example.com';
    const host = loadTestHost(0, platform);
    const tenantId = loadTestTenantId(0);
    const edgeRegion = region as string;
    const results: Partial<Record<HotPath, BenchResult>> = {};
    // Each case has its own event: the handler and the rewrites change it in place.
    const eventFor = () => originRequestEvent(host, '/', 'bench');
    const requestOf = (e: CloudFrontRequestEvent) =>
      (e.Records[0] as CloudFrontRequestEvent['Records'][0]).cf.request;
    const runGroup = async (
      cases: readonly (BenchCase & { name: HotPath })[],
      measureOptions: MeasureOptions,
    ) => {
      options.onStart?.(cases.map((c) => c.name));
      const measured = await measureInterleaved(cases, measureOptions);
      for (const [i, c] of cases.entries()) results[c.name] = measured[i] as BenchResult;
    };

    // The floor: what any router must do at least, a map lookup and the same rewrite of the event.
    const pool = regions.get(region)?.origin;
    if (pool === undefined) throw new Error('no pool origin');
    const routes = new Map([
      [host, { tenantId, domainName: pool.domainName, port: pool.port, protocol: pool.protocol }],
    ]);
    const floorRequest = requestOf(eventFor());
    const customHeaders = floorRequest.origin?.custom?.customHeaders ?? {};
    const floor = () => {
      const request = floorRequest;
      resetHost(request, host);
      const route = routes.get((request.headers.host as { value: string }[])[0]?.value ?? '');
      if (route === undefined) throw new Error('floor: no route');
      request.origin = {
        custom: {
          customHeaders,
          domainName: route.domainName,
          keepaliveTimeout: 5,
          path: '',
          port: route.port,
          protocol: route.protocol,
          readTimeout: 30,
          sslProtocols: ['TLSv1.2'],
        },
      };
      request.headers.host = [{ key: 'Host', value: route.domainName }];
      request.headers['x-forwarded-host'] = [{ key: 'X-Forwarded-Host', value: host }];
      request.headers['x-tenant-id'] = [{ key: 'X-Tenant-Id', value: route.tenantId }];
      return request;
    };

    const mixedCaseHost = `${host.toUpperCase()}:443`;

    const decision: Extract<RouteDecision, { kind: 'forward' }> = {
      kind: 'forward',
      tenantId: tenantId as TenantId,
      region,
      origin: pool,
      viewerHost: host,
      via: 'home',
    };
    const rewriteRequest = requestOf(eventFor());

    // The whole-handler cases run the minified bundle that ships, not the TypeScript sources (tsx
    // adds per-closure naming calls that production code does not pay), with the bundle's own
    // assembly of stores (route cache over the DynamoDB store) as in Lambda; only the clients are
    // metered.
    const createOriginRequestHandler = await loadBundledHandlerFactory(config);
    const hitHandler = createOriginRequestHandler({
      config,
      clientForRegion: newClient,
      logger: silentLogger,
      edgeRegion,
    });
    const warmStore = hitHandler.assembly.store;
    const coreRequest = { hostValues: [host], uri: '/' };
    const check = (result: unknown) => {
      if (typeof result !== 'object' || result === null || 'status' in result) {
        throw new Error(`benchmark request was not forwarded: ${JSON.stringify(result).slice(0, 200)}`);
      }
    };
    const hitEvent = eventFor();
    check(await hitHandler(hitEvent));
    await runGroup(
      [
        { name: 'floor', operation: floor },
        { name: 'host-parse', operation: () => parseHostHeader([mixedCaseHost], config) },
        {
          name: 'event-rewrite',
          operation: () => {
            resetHost(rewriteRequest, host);
            return routeToCloudFrontRequest(rewriteRequest, decision, config);
          },
        },
        {
          name: 'route-core',
          async: true,
          operation: () => routeRequest(coreRequest, { store: warmStore, config }),
        },
        {
          name: 'cache-hit',
          async: true,
          operation: () => {
            resetHost(requestOf(hitEvent), host);
            return hitHandler(hitEvent);
          },
        },
      ],
      options.measure,
    );

    // A miss of the tenant item with the REGIONS item still cached: exactly one GetItem per request,
    // as for a platform-subdomain tenant whose entry expired. The same assembly with a route cache of
    // two entries, and two tenants alternating: each request evicts the other tenant's entry (the
    // least recently used; REGIONS is used by every request) and misses. (Not clear(): lru-cache
    // preallocates `max` slots and clearing 100,000 of them costs more than the read.)
    const missHandler = createOriginRequestHandler({
      config: resolveRouterConfig({ ...config, cache: { ...config.cache, maxEntries: 2 } }),
      clientForRegion: newClient,
      logger: silentLogger,
      edgeRegion,
    });
    const missHosts = [host, loadTestHost(1, platform)] as const;
    const missEvent = eventFor();
    let missTurn = 0;
    const missOnce = () => {
      missTurn ^= 1;
      resetHost(requestOf(missEvent), missHosts[missTurn] as string);
      return missHandler(missEvent);
    };
    check(await missOnce()); // also warms the REGIONS entry
    const readsBefore = meter.reads;
    for (let i = 0; i < 4; i++) check(await missOnce());
    // The comparison with one raw GetItem holds only if a miss makes exactly one read.
    if (meter.reads - readsBefore !== 4)
      throw new Error(`a miss made ${(meter.reads - readsBefore) / 4} reads, not 1`);

    const raw = newClient(region);
    const getItems = [0, 1].map(
      (i) =>
        new GetItemCommand({
          TableName: config.tableName,
          Key: { [PARTITION_KEY]: { S: tenantKey(loadTestTenantId(i)) } },
          ConsistentRead: false,
        }),
    );
    let rawTurn = 0;
    await runGroup(
      [
        {
          name: 'cache-miss',
          async: true,
          operation: missOnce,
        },
        {
          name: 'raw-getitem',
          async: true,
          operation: () => {
            rawTurn ^= 1;
            return raw.send(getItems[rawTurn] as GetItemCommand);
          },
        },
      ],
      options.measureNetwork,
    );
    return results as Record<HotPath, BenchResult>;
  } finally {
    for (const client of clients) client.destroy();
    await dynalite.close();
  }
}

/** Builds the production bundle into a temporary folder and loads its handler factory. */
async function loadBundledHandlerFactory(config: RouterConfig): Promise<typeof CreateHandler> {
  const outdir = await mkdtemp(join(tmpdir(), 'bench-hot-'));
  try {
    const { file } = await bundleEdgeFunction({ config, outdir });
    return (createRequire(import.meta.url)(file) as { createOriginRequestHandler: typeof CreateHandler })
      .createOriginRequestHandler;
  } finally {
    // Loaded modules stay in memory; the file is no longer needed.
    await rm(outdir, { recursive: true, force: true });
  }
}
