/**
 * The fewest table reads a trace needs: replays the requests of a run (warm-up included, in send
 * order) through an ideal cache with the router's TTLs and no size bound, where a read completes
 * at once and never fails, and counts the reads of the measured part. A router that reads more
 * than this is rereading what it could have kept; one that reads less is not counting (or not
 * asking). Each edge region has its own cache, as each has its own function instances. Pure.
 */
import type { HostKind, RouteLookup } from '../lib/generated-hosts.ts';

/** The REGIONS item every pool-origin route reads, shared by every tenant. */
export const REGIONS_LOOKUP: RouteLookup = { key: 'REGIONS', present: true };

/** One request of a trace. */
export interface TraceRequest {
  /** Intended send time, ms from the start of the run (warm-up included). */
  readonly offsetMs: number;
  /** Index of the generated host it asks for. */
  readonly hostIndex: number;
  /** Edge region it is sent to, when spread over several. */
  readonly edgeRegion?: string;
}

/** Options of {@link minimumReads}. */
export interface MinimumReadsOptions {
  /** The requests, in intended send order. */
  readonly trace: Iterable<TraceRequest>;
  /** Items the router reads to route host `index` (besides REGIONS). */
  readonly lookupsOf: (hostIndex: number) => readonly RouteLookup[];
  /** Kind of host `index`. */
  readonly kindOf: (hostIndex: number) => HostKind;
  /** Whether the route reads the REGIONS item too (a pool-origin tenant does). @default true */
  readonly readsRegions?: boolean;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  /** Reads before this intended time (the warm-up) fill the cache but are not counted. */
  readonly measuredFromMs: number;
  /**
   * Tenants the router's cache holds (`cache.maxTenants`: as many tenant and as many domain
   * records, a wildcard-served host's absence with the domains); a trace with more gets a caveat.
   * @default unbounded
   */
  readonly cacheTenants?: number;
  /**
   * Reads a new container makes at its first request besides the route's (the router warms its
   * second replica's connection with a REGIONS read), per edge region. @default 0
   */
  readonly warmUpReads?: number;
  /**
   * The REGIONS item was read when the router started, before the run (in-process: the handler's
   * warm-up reads it as it is built): its first read in the run is one TTL later. @default false
   */
  readonly regionsReadBeforeStart?: boolean;
}

/** The minimum of a trace. */
export interface MinimumReads {
  /** Reads of the measured part, REGIONS included. */
  readonly total: number;
  /** Of those, reads of the REGIONS item. */
  readonly regions: number;
  /** Reads of each host kind's DOMAIN and TENANT items. */
  readonly byHostKind: Readonly<Partial<Record<HostKind, number>>>;
  /** Reads per edge region (each its own cache); empty when the trace has none. */
  readonly byEdgeRegion: Readonly<Record<string, number>>;
  /** What the figure assumed that the run may not have met. */
  readonly caveats: readonly string[];
}

/**
 * Counts the reads an ideal cache makes for `trace`: a key is read at its first request and again
 * at the first request after its TTL (the negative TTL for an absent item) has passed since it
 * was read.
 *
 * @example
 * minimumReads({ trace, lookupsOf, kindOf, ttlMs: 30_000, negativeTtlMs: 5_000, measuredFromMs: 10_000 });
 */
export function minimumReads(options: MinimumReadsOptions): MinimumReads {
  const readAt = new Map<string, number>();
  const byHostKind: Partial<Record<HostKind, number>> = {};
  const byEdgeRegion: Record<string, number> = {};
  const readsRegions = options.readsRegions ?? true;
  // Distinct tenant and domain keys per edge region: each has a budget of cache.maxTenants.
  const keysPerScope = new Map<string, number>();
  let total = 0;
  let regions = 0;
  const warmedUp = new Set<string>();
  for (const request of options.trace) {
    const scope = request.edgeRegion ?? '';
    const measured = request.offsetMs >= options.measuredFromMs;
    if (measured && request.edgeRegion !== undefined) byEdgeRegion[scope] ??= 0;
    const lookups = options.lookupsOf(request.hostIndex);
    if (!warmedUp.has(scope)) {
      warmedUp.add(scope);
      if (options.regionsReadBeforeStart) readAt.set(`${scope}\u0000${REGIONS_LOOKUP.key}`, 0);
      const warmUp = options.warmUpReads ?? 0;
      if (measured && warmUp > 0) {
        total += warmUp;
        regions += warmUp;
        if (request.edgeRegion !== undefined) byEdgeRegion[scope] = (byEdgeRegion[scope] ?? 0) + warmUp;
      }
    }
    const count = lookups.length + (readsRegions ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const lookup = i < lookups.length ? (lookups[i] as RouteLookup) : REGIONS_LOOKUP;
      const key = `${scope}\u0000${lookup.key}`;
      const last = readAt.get(key);
      const ttl = lookup.present ? options.ttlMs : options.negativeTtlMs;
      if (last !== undefined && (lookup.firstReadOnly || request.offsetMs < last + ttl)) continue;
      if (last === undefined && lookup !== REGIONS_LOOKUP) {
        const budget = `${scope}\u0000${lookup.key.startsWith('TENANT#') ? 'tenants' : 'domains'}`;
        keysPerScope.set(budget, (keysPerScope.get(budget) ?? 0) + 1);
      }
      readAt.set(key, request.offsetMs);
      if (!measured) continue;
      total++;
      if (request.edgeRegion !== undefined) byEdgeRegion[scope] = (byEdgeRegion[scope] ?? 0) + 1;
      if (lookup === REGIONS_LOOKUP) regions++;
      else {
        const kind = options.kindOf(request.hostIndex);
        byHostKind[kind] = (byHostKind[kind] ?? 0) + 1;
      }
    }
  }
  const caveats: string[] = [];
  const keys = Math.max(0, ...keysPerScope.values());
  if (options.cacheTenants !== undefined && keys > options.cacheTenants)
    caveats.push(
      `${keys} records of one kind exceed the cache's ${options.cacheTenants} tenants: the router evicts, the minimum does not`,
    );
  return { total, regions, byHostKind, byEdgeRegion, caveats };
}
