/**
 * The order in which the edge function tries the table's replicas: nearest in round-trip time to
 * the region it runs in first (measured figures, the fibre model where none was measured). Pure;
 * memoized per configuration and edge region.
 */
import type { RouterConfig } from './config.ts';
import type { Region } from './model.ts';
import { regionRoundTrip } from './region-geography.ts';

// A Lambda@Edge container lives in one region for its whole life, so each (config, edge region)
// pair is computed once. WeakMap: a config that is dropped (tests) takes its orders with it.
const memo = new WeakMap<RouterConfig, Map<string, readonly Region[]>>();

/**
 * The replica regions ordered nearest-first to `edgeRegion` (the `AWS_REGION` the function runs
 * in), by round-trip time (`regionRoundTrip`). An explicit `config.replicaOrder[edgeRegion]` wins;
 * replicas it leaves out follow it nearest-first, so an override can never make a replica
 * unreachable. For an unknown edge region the configured `replicaRegions` order is used. Unknown
 * replicas go last, in configured order. Ties keep the configured order.
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
  const nearest = byRoundTripFrom(edgeRegion, config.replicaRegions);
  const override = Object.hasOwn(config.replicaOrder, edgeRegion)
    ? config.replicaOrder[edgeRegion]
    : undefined;
  if (override === undefined) return nearest;
  const explicit = [...new Set(override)].filter((r) => config.replicaRegions.includes(r));
  return [...explicit, ...nearest.filter((r) => !explicit.includes(r))];
}

function byRoundTripFrom(edgeRegion: string, replicas: readonly Region[]): Region[] {
  if (regionRoundTrip(edgeRegion, edgeRegion) === undefined) return [...replicas];
  const ranked = replicas.map((region, index) => ({
    region,
    index,
    ms: regionRoundTrip(edgeRegion, region)?.ms ?? Number.POSITIVE_INFINITY,
  }));
  ranked.sort((a, b) => a.ms - b.ms || a.index - b.index);
  return ranked.map((r) => r.region);
}
