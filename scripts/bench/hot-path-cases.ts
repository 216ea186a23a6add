/**
 * The hot-path benchmark cases, each an operation for the harness: the floor (a bare `Map.get` and
 * the same rewrite of the event), host parsing, the event rewrite, the routing core and a cache
 * hit through the handler (in memory), then a cache miss through the handler and the raw GetItem
 * it is compared with (one round trip to the local server each).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { routeToCloudFrontRequest } from '../../edge/cloudfront-request.ts';
import { resolveRouterConfig } from '../../edge/config.ts';
import { parseHostHeader } from '../../edge/host.ts';
import { PARTITION_KEY, tenantKey } from '../../edge/items.ts';
import { silentLogger } from '../../edge/logger.ts';
import type { RouteDecision } from '../../edge/model.ts';
import type { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { routeRequest } from '../../edge/resolve-route.ts';
import { loadTestHost, loadTestTenantId } from '../lib/generated-tenants.ts';
import { anOriginRequestEvent, GENERATED_TRAFFIC_EVENT } from '../lib/origin-request-event.ts';
import type { BenchTable } from './bench-table.ts';
import type { BenchCase } from './harness.ts';

/** The handler factory of the built bundle. */
export type HandlerFactory = typeof createOriginRequestHandler;

/** A case named by its hot path. */
export type NamedCase<N extends string> = BenchCase & { readonly name: N };

/** A fresh event of a request for `host`: the handler and the rewrites change it in place. */
function eventFor(host: string): CloudFrontRequestEvent {
  return anOriginRequestEvent({ ...GENERATED_TRAFFIC_EVENT, hosts: [host], requestId: 'bench' });
}

function requestOf(event: CloudFrontRequestEvent): CloudFrontRequest {
  return (event.Records[0] as CloudFrontRequestEvent['Records'][0]).cf.request;
}

/** Resets the viewer's Host header: the handler rewrites the event in place. */
function resetHost(request: CloudFrontRequest, host: string): void {
  request.headers.host = [{ key: 'Host', value: host }];
}

/** Throws unless the handler forwarded the request (a benchmark of a 404 would measure nothing). */
export function assertForwarded(result: unknown): void {
  if (typeof result !== 'object' || result === null || 'status' in result) {
    throw new Error(`benchmark request was not forwarded: ${JSON.stringify(result).slice(0, 200)}`);
  }
}

/**
 * The rewrite every floor does, the router's minimum: the pool origin (the distribution's custom
 * headers carried over), the Host header, `x-forwarded-host` and `x-tenant-id`.
 */
export function rewriteLikeTheRouter(
  request: CloudFrontRequest,
  table: Pick<BenchTable, 'pool'>,
  tenantId: string,
): CloudFrontRequest {
  const viewerHost = request.headers.host?.[0]?.value ?? '';
  const { pool } = table;
  request.origin = {
    custom: {
      customHeaders: request.origin?.custom?.customHeaders ?? {},
      domainName: pool.domainName,
      keepaliveTimeout: 5,
      path: '',
      port: pool.port,
      protocol: pool.protocol,
      readTimeout: 30,
      sslProtocols: ['TLSv1.2'],
    },
  };
  request.headers.host = [{ key: 'Host', value: pool.domainName }];
  request.headers['x-forwarded-host'] = [{ key: 'X-Forwarded-Host', value: viewerHost }];
  request.headers['x-tenant-id'] = [{ key: 'X-Tenant-Id', value: tenantId }];
  return request;
}

/** The floor: what any router must do at least, a map lookup and the same rewrite of the event. */
function floorCase(table: BenchTable): NamedCase<'floor'> {
  const { host, tenantId } = table;
  const routes = new Map([[host, tenantId]]);
  const request = requestOf(eventFor(host));
  const floor = () => {
    resetHost(request, host);
    const route = routes.get((request.headers.host as { value: string }[])[0]?.value ?? '');
    if (route === undefined) throw new Error('floor: no route');
    return rewriteLikeTheRouter(request, table, route);
  };
  return { name: 'floor', operation: floor };
}

/**
 * The in-memory cases. The whole-handler case runs the minified bundle that ships (`createHandler`),
 * with the bundle's own assembly of stores (route cache over the DynamoDB store) as in Lambda;
 * only the clients are metered. Its route is cached before measuring.
 */
export async function inMemoryCases(
  table: BenchTable,
  createHandler: HandlerFactory,
): Promise<NamedCase<'floor' | 'host-parse' | 'event-rewrite' | 'route-core' | 'cache-hit'>[]> {
  const { config, host } = table;
  const decision: Extract<RouteDecision, { kind: 'forward' }> = {
    kind: 'forward',
    tenantId: table.tenantId,
    region: table.region,
    origin: table.pool,
    viewerHost: host,
    path: '/',
    via: 'home',
  };
  const mixedCaseHost = `${host.toUpperCase()}:443`;
  const rewriteRequest = requestOf(eventFor(host));
  const handler = createHandler({
    config,
    clientForRegion: table.clientForRegion,
    logger: silentLogger,
    edgeRegion: table.region,
  });
  const hitEvent = eventFor(host);
  assertForwarded(await handler(hitEvent));
  const warmStore = handler.assembly.store;
  const coreRequest = { hostValues: [host], uri: '/' };
  return [
    floorCase(table),
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
        return handler(hitEvent);
      },
    },
  ];
}

/**
 * The round-trip cases. A miss of the tenant item with the REGIONS item still cached: exactly one
 * GetItem per request, as for a platform-subdomain tenant whose entry expired. The same assembly
 * with a route cache of one tenant, and two tenants alternating: each request evicts the other
 * tenant's entry and misses (REGIONS has a slot of its own). (Not
 * clear(): lru-cache preallocates `max` slots and clearing 100,000 of them costs more than the
 * read.) Throws unless a miss makes exactly one read, the premise of comparing it with one GetItem.
 */
export async function networkCases(
  table: BenchTable,
  createHandler: HandlerFactory,
): Promise<NamedCase<'cache-miss' | 'raw-getitem'>[]> {
  const { config } = table;
  const missHandler = createHandler({
    config: resolveRouterConfig({ ...config, cache: { ...config.cache, maxTenants: 1 } }),
    clientForRegion: table.clientForRegion,
    logger: silentLogger,
    edgeRegion: table.region,
  });
  const missHosts = [table.host, loadTestHost(1, table.platformDomain)] as const;
  const missEvent = eventFor(table.host);
  let missTurn = 0;
  const missOnce = () => {
    missTurn ^= 1;
    resetHost(requestOf(missEvent), missHosts[missTurn] as string);
    return missHandler(missEvent);
  };
  assertForwarded(await missOnce()); // also warms the REGIONS entry
  const readsBefore = table.meter.reads;
  for (let i = 0; i < 4; i++) assertForwarded(await missOnce());
  if (table.meter.reads - readsBefore !== 4)
    throw new Error(`a miss made ${(table.meter.reads - readsBefore) / 4} reads, not 1`);

  const raw = table.clientForRegion(table.region);
  const getItems = [0, 1].map(
    (i) =>
      new GetItemCommand({
        TableName: config.tableName,
        Key: { [PARTITION_KEY]: { S: tenantKey(loadTestTenantId(i)) } },
        ConsistentRead: false,
      }),
  );
  let rawTurn = 0;
  return [
    { name: 'cache-miss', async: true, operation: missOnce },
    {
      name: 'raw-getitem',
      async: true,
      operation: () => {
        rawTurn ^= 1;
        return raw.send(getItems[rawTurn] as GetItemCommand);
      },
    },
  ];
}
