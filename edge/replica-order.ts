/**
 * The order in which the edge function tries the table's replicas: nearest to the region it runs
 * in first. Pure; memoized per configuration and edge region.
 */
import type { RouterConfig } from './config.ts';
import type { Region } from './model.ts';
import { greatCircleKm, regionLocation } from './region-geography.ts';

// A Lambda@Edge container lives in one region for its whole life, so each (config, edge region)
// pair is computed once. WeakMap: a config that is dropped (tests) takes its orders with it.
const memo = new WeakMap<RouterConfig, Map<string, readonly Region[]>>();

/**
 * The replica regions ordered nearest-first to `edgeRegion` (the `AWS_REGION` the function runs
 * in). An explicit `config.replicaOrder[edgeRegion]` wins; replicas it leaves out follow it in
 * geographic order, so an override can never make a replica unreachable. For an edge region with
 * no known location the configured `replicaRegions` order is used. Replicas with no known location
 * go last, in configured order. Ties keep the configured order.
 *
 * @example
 * replicaOrderFor('eu-central-1', config); // ['eu-west-1', 'us-east-1', 'ap-southeast-2']
 */
export function replicaOrderFor(edgeRegion: string, config: RouterConfig): readonly Region[] {
  let byEdge = memo.get(config);
  if (byEdge === undefined) {
    byEdge = new Map();
    memo.set(config, byEdge);
  }
  let order = byEdge.get(edgeRegion);
  if (order === undefined) {
    order = Object.freeze(computeReplicaOrder(edgeRegion, config));
    byEdge.set(edgeRegion, order);
  }
  return order;
}

function computeReplicaOrder(edgeRegion: string, config: RouterConfig): Region[] {
  const geographic = byDistanceFrom(edgeRegion, config.replicaRegions);
  const override = Object.hasOwn(config.replicaOrder, edgeRegion)
    ? config.replicaOrder[edgeRegion]
    : undefined;
  if (override === undefined) return geographic;
  const explicit = [...new Set(override)].filter((r) => config.replicaRegions.includes(r));
  return [...explicit, ...geographic.filter((r) => !explicit.includes(r))];
}

function byDistanceFrom(edgeRegion: string, replicas: readonly Region[]): Region[] {
  const origin = regionLocation(edgeRegion);
  if (origin === undefined) return [...replicas];
  const ranked = replicas.map((region, index) => {
    const location = regionLocation(region);
    return {
      region,
      index,
      km: location === undefined ? Number.POSITIVE_INFINITY : greatCircleKm(origin, location),
    };
  });
  ranked.sort((a, b) => a.km - b.km || a.index - b.index);
  return ranked.map((r) => r.region);
}
