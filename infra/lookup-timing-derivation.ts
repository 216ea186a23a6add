/**
 * The build's derivation of the router's lookup timing from the round-trip matrix: per (edge
 * region, replica) a connection set-up timeout, a request timeout and a hedge delay, and per edge
 * region a lookup budget, baked into `config.lookup.byEdgeRegion`. One derivation for the CDK app
 * (`resolveInfraConfig`), `npm run build` and the local edge (`edgeBuildOptions`; the local edge
 * passes its own world's round trips). Pure. The reasoning: docs/tenant-store.md#timing-from-the-map.
 */
import type { EdgeLookupTiming, LookupConfig, ReplicaTiming, RouterConfig } from '../edge/config.ts';
import { HEDGE_ROUND_TRIP_FACTOR } from '../edge/lookup-timing.ts';
import { REGIONAL_EDGE_CACHE_REGIONS, regionRoundTrip } from '../edge/region-geography.ts';

/** The round trip between an edge region and a replica region in ms, or undefined when unknown. */
export type RoundTripSource = (edgeRegion: string, replica: string) => number | undefined;

/** The measured (or fibre-model) round trips of `edge/region-geography.ts`. */
export const MAP_ROUND_TRIPS: RoundTripSource = (edgeRegion, replica) =>
  regionRoundTrip(edgeRegion, replica)?.ms;

/**
 * How many round trips each figure allows on top of its zero-distance setting. A new connection
 * costs 2 (TCP, then TLS 1.3) and a request 1; the allowances are those times 1.5 (set-up,
 * request) and 1.25 (the hedge delay: a high percentile of the pair's round trip, as Dean and
 * Barroso's "The Tail at Scale" hedges after the 95th-percentile expected latency). The budget
 * allows a cold read (3 round trips) from each of the two nearest replicas, so a failover from a
 * cold nearest replica to a cold second one still fits.
 */
export const TIMING_ROUND_TRIPS = {
  connect: 3,
  request: 1.5,
  hedge: HEDGE_ROUND_TRIP_FACTOR,
  budgetColdRead: 3,
  budgetReplicas: 2,
} as const;

/** The timing of one pair whose round trip is `rttMs`, from the zero-distance settings. */
export function deriveReplicaTiming(lookup: LookupConfig, rttMs: number): ReplicaTiming {
  return {
    rttMs: Math.round(rttMs * 10) / 10,
    connectTimeoutMs: lookup.connectTimeoutMs + Math.ceil(TIMING_ROUND_TRIPS.connect * rttMs),
    requestTimeoutMs: lookup.attemptTimeoutMs + Math.ceil(TIMING_ROUND_TRIPS.request * rttMs),
    hedgeAfterMs: lookup.hedgeAfterMs + Math.ceil(TIMING_ROUND_TRIPS.hedge * rttMs),
  };
}

/**
 * The lookup timing of every regional edge cache region (or `edgeRegions`) for `config`'s
 * replicas: each pair's {@link deriveReplicaTiming}, and a budget of `lookup.budgetMs` plus a cold
 * read from each of the two nearest replicas. A pair whose round trip is unknown is left out (the
 * function uses the zero-distance settings for it).
 */
export function deriveLookupTiming(
  config: RouterConfig,
  roundTrip: RoundTripSource = MAP_ROUND_TRIPS,
  edgeRegions: readonly string[] = REGIONAL_EDGE_CACHE_REGIONS,
): Record<string, EdgeLookupTiming> {
  const byEdge: Record<string, EdgeLookupTiming> = {};
  for (const edge of edgeRegions) {
    const replicas: Record<string, ReplicaTiming> = {};
    const known: number[] = [];
    for (const replica of config.replicaRegions) {
      const rttMs = roundTrip(edge, replica);
      if (rttMs === undefined || !Number.isFinite(rttMs) || rttMs < 0) continue;
      replicas[replica] = deriveReplicaTiming(config.lookup, rttMs);
      known.push(rttMs);
    }
    const nearest = known.sort((a, b) => a - b).slice(0, TIMING_ROUND_TRIPS.budgetReplicas);
    const coldReads = nearest.reduce((sum, rtt) => sum + TIMING_ROUND_TRIPS.budgetColdRead * rtt, 0);
    byEdge[edge] = { budgetMs: config.lookup.budgetMs + Math.ceil(coldReads), replicas };
  }
  return byEdge;
}

/**
 * `config` with `lookup.byEdgeRegion` completed by {@link deriveLookupTiming}: an edge region's
 * given budget and given pairs are kept, only what is missing is derived. Idempotent, so every
 * step of a build may apply it.
 *
 * @example
 * const baked = withDerivedLookupTiming(resolveRouterConfig(input));
 * baked.lookup.byEdgeRegion['sa-east-1']?.replicas['us-east-1']; // { rttMs: 115.4, ... }
 */
export function withDerivedLookupTiming(
  config: RouterConfig,
  roundTrip: RoundTripSource = MAP_ROUND_TRIPS,
): RouterConfig {
  const derived = deriveLookupTiming(config, roundTrip);
  const given = config.lookup.byEdgeRegion;
  const byEdgeRegion: Record<string, EdgeLookupTiming> = { ...given };
  for (const [edge, timing] of Object.entries(derived)) {
    const kept = Object.hasOwn(given, edge) ? given[edge] : undefined;
    byEdgeRegion[edge] =
      kept === undefined
        ? timing
        : { budgetMs: kept.budgetMs, replicas: { ...timing.replicas, ...kept.replicas } };
  }
  return { ...config, lookup: { ...config.lookup, byEdgeRegion } };
}
