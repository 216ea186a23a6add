/**
 * The benchmark cases beside the single-platform-host ones: the async floor (the handler returns a
 * promise; the floor then should too), a cache hit over a Zipf mix of custom domains with a fresh
 * event per request (as Lambda hands the function a newly parsed event) against the async floor on
 * the same fresh events, and a cold custom-domain miss (two reads: DOMAIN, then TENANT) to compare
 * with two raw GetItem round trips.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { resolveRouterConfig } from '../../edge/config.ts';
import { silentLogger } from '../../edge/logger.ts';
import { generatedHost } from '../lib/generated-hosts.ts';
import { anOriginRequestEvent, GENERATED_TRAFFIC_EVENT } from '../lib/origin-request-event.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { zipfSampler } from '../lib/zipf-sampler.ts';
import type { BenchTable } from './bench-table.ts';
import {
  assertForwarded,
  type HandlerFactory,
  type NamedCase,
  rewriteLikeTheRouter,
} from './hot-path-cases.ts';

/** Hosts of the Zipf mix, and the length of the precomputed popularity sequence it cycles through. */
const ZIPF_HOSTS = 1_000;
const ZIPF_SEQUENCE = 1 << 14;

function freshEvent(host: string): CloudFrontRequestEvent {
  return anOriginRequestEvent({ ...GENERATED_TRAFFIC_EVENT, hosts: [host], requestId: 'bench' });
}

/** The floor as an async function: a map look-up, the rewrite, and the promise the handler returns too. */
export function asyncFloorCase(table: BenchTable): NamedCase<'floor-async'> {
  const request = freshEvent(table.host).Records[0]?.cf.request;
  if (request === undefined) throw new Error('no request');
  const routes = new Map([[table.host, table.tenantId]]);
  return {
    name: 'floor-async',
    async: true,
    operation: async () => {
      request.headers.host = [{ key: 'Host', value: table.host }];
      const tenantId = routes.get(request.headers.host[0]?.value ?? '');
      if (tenantId === undefined) throw new Error('floor: no route');
      return rewriteLikeTheRouter(request, table, tenantId);
    },
  };
}

/**
 * A cache hit through the whole handler over {@link ZIPF_HOSTS} custom domains drawn by Zipf 1.1,
 * each request a fresh event; beside it the async floor on the same fresh events and hosts.
 */
export async function customZipfCases(
  table: BenchTable,
  createHandler: HandlerFactory,
): Promise<NamedCase<'cache-hit-custom-zipf' | 'floor-custom-zipf'>[]> {
  const hosts = Array.from({ length: ZIPF_HOSTS }, (_, i) =>
    generatedHost(i, 'custom', table.platformDomain),
  );
  const sampler = zipfSampler({ n: ZIPF_HOSTS, s: 1.1, random: seededRandom(7) });
  const sequence = Array.from({ length: ZIPF_SEQUENCE }, () => sampler.next());
  const handler = createHandler({
    config: table.config,
    clientForRegion: table.clientForRegion,
    logger: silentLogger,
    edgeRegion: table.region,
  });
  // Every host cached first: what is measured is the hit.
  for (const h of hosts) assertForwarded(await handler(freshEvent(h.host)));
  const readsBefore = table.meter.reads;
  const routes = new Map(hosts.map((h) => [h.host, h.tenantId]));
  let hitTurn = 0;
  let floorTurn = 0;
  const hostAt = (turn: number) =>
    (hosts[sequence[turn % ZIPF_SEQUENCE] as number] as (typeof hosts)[0]).host;
  return [
    {
      name: 'cache-hit-custom-zipf',
      async: true,
      operation: () => handler(freshEvent(hostAt(hitTurn++))),
    },
    {
      name: 'floor-custom-zipf',
      async: true,
      operation: async () => {
        const request = freshEvent(hostAt(floorTurn++)).Records[0]?.cf.request;
        const host = request?.headers.host?.[0]?.value ?? '';
        const tenantId = routes.get(host);
        if (request === undefined || tenantId === undefined) throw new Error('floor: no route');
        if (table.meter.reads !== readsBefore) throw new Error('the custom-domain hits read the table');
        return rewriteLikeTheRouter(request, table, tenantId);
      },
    },
  ];
}

/**
 * A cold custom-domain miss: a route cache of one tenant, two custom-domain tenants alternating,
 * so each request reads the DOMAIN item and then the TENANT item (REGIONS stays cached). Throws
 * unless a miss makes exactly two reads.
 */
export async function customMissCase(
  table: BenchTable,
  createHandler: HandlerFactory,
): Promise<NamedCase<'cache-miss-custom'>> {
  const handler = createHandler({
    config: resolveRouterConfig({ ...table.config, cache: { ...table.config.cache, maxTenants: 1 } }),
    clientForRegion: table.clientForRegion,
    logger: silentLogger,
    edgeRegion: table.region,
  });
  const hosts = [0, 1].map((i) => generatedHost(i, 'custom', table.platformDomain).host);
  let turn = 0;
  const missOnce = () => {
    turn ^= 1;
    return handler(freshEvent(hosts[turn] as string));
  };
  assertForwarded(await missOnce()); // also warms REGIONS
  const readsBefore = table.meter.reads;
  for (let i = 0; i < 4; i++) assertForwarded(await missOnce());
  if (table.meter.reads - readsBefore !== 8)
    throw new Error(`a custom-domain miss made ${(table.meter.reads - readsBefore) / 4} reads, not 2`);
  return { name: 'cache-miss-custom', async: true, operation: missOnce };
}
