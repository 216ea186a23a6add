/**
 * Request counters of the CloudFront emulator, reported by the control API's `/status`.
 */

/** Counts of one emulated edge region. */
export interface RegionCounters {
  requests: number;
  byStatus: Record<string, number>;
}

/** Every counter the emulator keeps. */
export interface EdgeCounters {
  requests: number;
  /** Viewer-facing status -> count. */
  byStatus: Record<string, number>;
  /** Handler threw, rejected or timed out (CloudFront answers 503). */
  handlerErrors: number;
  /** Handler output broke a CloudFront rule (CloudFront answers 502). */
  ruleViolations: number;
  /** Requests the handler answered itself. */
  generatedResponses: number;
  /** Requests forwarded to an origin. */
  forwarded: number;
  /** Forwarded requests whose origin failed or was not mapped (502/504). */
  originErrors: number;
  /** Requests for a host no distribution tenant serves (CloudFront's 403, before the function). */
  unclaimedHosts: number;
  /** Emulated edge region -> counts. */
  byEdgeRegion: Record<string, RegionCounters>;
  /** Origin domain -> forwarded requests. */
  byOrigin: Record<string, number>;
}

/** Fresh, zeroed counters. */
export function createEdgeCounters(): EdgeCounters {
  return {
    requests: 0,
    byStatus: {},
    handlerErrors: 0,
    ruleViolations: 0,
    generatedResponses: 0,
    forwarded: 0,
    originErrors: 0,
    unclaimedHosts: 0,
    byEdgeRegion: {},
    byOrigin: {},
  };
}

/** Records one finished viewer request. */
export function countResponse(counters: EdgeCounters, edgeRegion: string, status: number): void {
  const key = String(status);
  counters.requests++;
  counters.byStatus[key] = (counters.byStatus[key] ?? 0) + 1;
  const region = counters.byEdgeRegion[edgeRegion] ?? { requests: 0, byStatus: {} };
  counters.byEdgeRegion[edgeRegion] = region;
  region.requests++;
  region.byStatus[key] = (region.byStatus[key] ?? 0) + 1;
}

/** Zeroes every counter in place (the object identity is kept for holders of a reference). */
export function resetEdgeCounters(counters: EdgeCounters): void {
  Object.assign(counters, createEdgeCounters());
}
