/**
 * The lookup timing a function in one edge region uses for each replica: the figures the build
 * derived from the round-trip matrix and baked into `config.lookup.byEdgeRegion`, or, for a pair
 * it has none for (an edge region outside the 13, a configuration not built by the build), the
 * zero-distance settings. Pure.
 */
import type { LookupConfig, ReplicaTiming, RouterConfig } from './config.ts';

/** Round trips a new connection costs before its request can go out: TCP, then TLS 1.3. */
export const SET_UP_ROUND_TRIPS = 2;

/**
 * The hedge delay's allowance per expected round trip: a high percentile of a pair's round trip
 * (the build derives `hedgeAfterMs` with it too, `infra/lookup-timing-derivation.ts`).
 */
export const HEDGE_ROUND_TRIP_FACTOR = 1.25;

/**
 * The hedge delay of a request that may need a new connection first: its hedge delay plus the
 * set-up's round trips at the same allowance. Used until the request is known to be on a ready
 * connection, and for clients that never say (a client made elsewhere).
 */
export function coldHedgeAfterMs(timing: ReplicaTiming): number {
  return timing.hedgeAfterMs + Math.ceil(SET_UP_ROUND_TRIPS * HEDGE_ROUND_TRIP_FACTOR * timing.rttMs);
}

/** The zero-distance timing of `lookup`: what a pair with no derived figures gets. */
export function zeroDistanceTiming(lookup: LookupConfig): ReplicaTiming {
  return {
    rttMs: 0,
    connectTimeoutMs: lookup.connectTimeoutMs,
    requestTimeoutMs: lookup.attemptTimeoutMs,
    hedgeAfterMs: lookup.hedgeAfterMs,
  };
}

/**
 * The timing of reads from `replica` by a function in `edgeRegion`.
 *
 * @example
 * replicaTiming(config, 'sa-east-1', 'us-east-1'); // { rttMs: 115.4, connectTimeoutMs: 847, ... }
 */
export function replicaTiming(config: RouterConfig, edgeRegion: string, replica: string): ReplicaTiming {
  const derived = edgeTiming(config, edgeRegion)?.replicas;
  const pair = derived !== undefined && Object.hasOwn(derived, replica) ? derived[replica] : undefined;
  return pair ?? zeroDistanceTiming(config.lookup);
}

/** The total budget of one lookup by a function in `edgeRegion`, ms. */
export function lookupBudgetMs(config: RouterConfig, edgeRegion: string): number {
  return edgeTiming(config, edgeRegion)?.budgetMs ?? config.lookup.budgetMs;
}

function edgeTiming(config: RouterConfig, edgeRegion: string) {
  const byEdge = config.lookup.byEdgeRegion;
  return Object.hasOwn(byEdge, edgeRegion) ? byEdge[edgeRegion] : undefined;
}
