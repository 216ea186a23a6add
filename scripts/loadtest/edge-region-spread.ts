/**
 * Spreading a load test over edge regions: which regions (`--edge-regions all|LIST`), which one
 * each request goes to (round robin by request index), and whether a request found its tenant
 * cached in that edge region, as the viewer can tell: a request is `uncached` when no answer for
 * its host had come back from that edge region before it was sent (a cache miss, or waiting on
 * one), `cached` after.
 */
import { isRegionalEdgeCacheRegion, REGIONAL_EDGE_CACHE_REGIONS } from '../../edge/region-geography.ts';
import { EDGE_REGION_HEADER } from '../local-edge/emulator-server.ts';
import type { RequestOutcome } from './load-collector.ts';

/** Whether the edge region had the tenant cached when the request was sent. */
export type ViewerCacheState = 'uncached' | 'cached';

/** Parses `all` or a comma-separated list of regional edge cache regions; the problem otherwise. */
export function parseEdgeRegions(
  value: string,
): { ok: true; regions: string[] } | { ok: false; problem: string } {
  if (value === 'all') return { ok: true, regions: [...REGIONAL_EDGE_CACHE_REGIONS] };
  const regions = value.split(',').map((r) => r.trim());
  const wrong = regions.filter((r) => !isRegionalEdgeCacheRegion(r));
  if (regions.length === 0 || wrong.length > 0) {
    return {
      ok: false,
      problem: `${wrong.join(', ') || JSON.stringify(value)}: not a regional edge cache region (all, or some of ${REGIONAL_EDGE_CACHE_REGIONS.join(', ')})`,
    };
  }
  if (new Set(regions).size !== regions.length)
    return { ok: false, problem: `${value} names a region twice` };
  return { ok: true, regions };
}

/** The edge region of request `index`: round robin, so every region gets the same share. */
export function edgeRegionOf(index: number, regions: readonly string[]): string {
  return regions[index % regions.length] as string;
}

/** Tracks, per edge region, which hosts have been answered (so their tenant is cached there). */
export class ViewerCacheTracker {
  readonly #answered = new Map<string, Set<string>>();

  /** The state of `host` in `edgeRegion` as a request is sent. */
  stateAtSend(edgeRegion: string, host: string): ViewerCacheState {
    return this.#answered.get(edgeRegion)?.has(host) === true ? 'cached' : 'uncached';
  }

  /**
   * Records an answer; a 5xx (a failed lookup is not cached) or no answer leaves the host
   * uncached.
   */
  answered(edgeRegion: string, host: string, status: number | undefined): void {
    if (status === undefined || status >= 500) return;
    let hosts = this.#answered.get(edgeRegion);
    if (hosts === undefined) {
      hosts = new Set();
      this.#answered.set(edgeRegion, hosts);
    }
    hosts.add(host);
  }
}

/** How one request is sent: host, extra headers. */
type Send = (host: string, headers: Readonly<Record<string, string>>) => Promise<RequestOutcome>;

/**
 * Sends each request to its edge region (the local edge's `x-local-edge-region` header) and labels
 * its outcome with the region and whether the tenant was cached there; a request that fails is
 * labelled too, so each region's failures are counted.
 */
export function spreadOverEdgeRegions(
  send: Send,
  regions: readonly string[],
  errorKind: (error: unknown) => string,
): (host: string, index: number) => Promise<RequestOutcome> {
  const tracker = new ViewerCacheTracker();
  return async (host, index) => {
    const edgeRegion = edgeRegionOf(index, regions);
    const viewerCache = tracker.stateAtSend(edgeRegion, host);
    try {
      const outcome = await send(host, { [EDGE_REGION_HEADER]: edgeRegion });
      tracker.answered(edgeRegion, host, outcome.status);
      return { ...outcome, edgeRegion, viewerCache };
    } catch (error) {
      return { error: errorKind(error), edgeRegion, viewerCache };
    }
  };
}

/**
 * Labels each outcome with whether its host had been answered before it was sent (one edge
 * region: the target's), so a run without `--edge-regions` still splits uncached from cached.
 */
export function labelViewerCache(
  send: (host: string) => Promise<RequestOutcome>,
): (host: string, index: number) => Promise<RequestOutcome> {
  const tracker = new ViewerCacheTracker();
  return async (host) => {
    const viewerCache = tracker.stateAtSend('', host);
    const outcome = await send(host);
    tracker.answered('', host, outcome.status);
    return { ...outcome, viewerCache };
  };
}
