/**
 * What the local edge's dashboard shows, per emulated edge region, computed from the same sources
 * an operator has in AWS: the function's own EMF metric lines and decision lines (the function
 * log), CloudFront's view of viewer requests (the emulator's counters) and the replicas' state
 * (their fault settings and counters). Recomputed once a second over a sliding window.
 */
import type { EdgeCounters } from './edge-counters.ts';
import type { FunctionLog, FunctionLogLine } from './function-log.ts';
import type { ReplicaEndpoint } from './replica-set.ts';

/** How far back rates, ratios and percentiles look. */
export const DASHBOARD_WINDOW_MS = 60_000;
/** Decisions listed. */
const RECENT_DECISIONS = 25;

/** One emulated edge region on the dashboard. */
export interface RegionView {
  readonly region: string;
  /** Viewer requests per second over the last few seconds (CloudFront's count). */
  readonly rps: number;
  /** Viewer requests since start (or the last counter reset). */
  readonly requests: number;
  /** Viewer-facing status -> count, since start. */
  readonly statusMix: Readonly<Record<string, number>>;
  /** Share of route lookups answered from the cache (hit or negative), from the function's metrics. */
  readonly cacheHitRatio: number | null;
  /** Lookups counted in the window. */
  readonly lookups: number;
  /** Lookup latency of requests that read the table, ms, from the function's LookupLatency values. */
  readonly lookupMs: { readonly p50: number; readonly p90: number; readonly p99: number } | null;
  /** Replica region -> reads and errors the function saw in the window. */
  readonly replicaReads: Readonly<Record<string, { reads: number; errors: number }>>;
}

/** One replica endpoint on the dashboard. */
export interface ReplicaView {
  readonly region: string;
  readonly fault: ReplicaEndpoint['fault'];
  /** `ok`, `faulted` (a fault is set), or `failing` (the function saw errors reading it in the window). */
  readonly health: 'ok' | 'faulted' | 'failing';
  readonly requests: number;
  readonly faulted: number;
}

/** One routing decision, from the function's decision line. */
export interface DecisionView {
  readonly time: string;
  readonly edgeRegion: string;
  readonly host: string | null;
  readonly tenantId: string | null;
  readonly outcome: string;
  readonly cache: string;
  readonly lookupMs: number | null;
  readonly requestId: string | null;
}

/** The whole dashboard. */
export interface DashboardSnapshot {
  readonly at: string;
  readonly windowMs: number;
  readonly regions: readonly RegionView[];
  readonly replicas: readonly ReplicaView[];
  readonly decisions: readonly DecisionView[];
}

/** Options of {@link startDashboardState}. */
export interface DashboardSources {
  readonly functionLog: FunctionLog;
  readonly counters: Readonly<EdgeCounters>;
  readonly replicas: () => Readonly<Record<string, ReplicaEndpoint>>;
  /** @default Date.now */
  readonly clock?: () => number;
  /** Sampling interval of the viewer counters, ms. @default 1000 */
  readonly sampleEveryMs?: number;
}

/** The running dashboard state. */
export interface DashboardState {
  snapshot(): DashboardSnapshot;
  close(): Promise<void>;
}

interface MetricsPoint {
  readonly at: number;
  readonly hits: number;
  readonly lookups: number;
  readonly latencies: readonly number[];
  readonly replica?: { readonly region: string; readonly reads: number; readonly errors: number };
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The metrics an EMF line of the router carries, or undefined for another line. */
function metricsPoint(line: FunctionLogLine): MetricsPoint | undefined {
  const e = line.entry;
  if (e === undefined || e.msg !== 'metrics' || typeof e._aws !== 'object') return undefined;
  const hits = num(e.CacheHits) + num(e.CacheNegative);
  const latencies = Array.isArray(e.LookupLatency)
    ? e.LookupLatency.filter((v) => typeof v === 'number')
    : [];
  return {
    at: line.timestamp,
    hits,
    lookups: hits + num(e.CacheMisses) + num(e.CacheStale),
    latencies,
    ...(typeof e.Replica === 'string' && {
      replica: { region: e.Replica, reads: num(e.ReplicaReads), errors: num(e.ReplicaErrors) },
    }),
  };
}

function decision(line: FunctionLogLine): DecisionView | undefined {
  const e = line.entry;
  if (e === undefined || (e.msg !== 'route' && e.msg !== 'route-problem')) return undefined;
  const outcome =
    typeof e.status === 'number'
      ? `${e.status} ${String(e.reason)}`
      : `-> ${String(e.region ?? e.origin)} (${String(e.via)})`;
  return {
    time: new Date(line.timestamp).toISOString(),
    edgeRegion: line.edgeRegion,
    host: str(e.host),
    tenantId: str(e.tenantId),
    outcome,
    cache: Array.isArray(e.cache) ? e.cache.join(',') : '',
    lookupMs: typeof e.lookupMs === 'number' ? e.lookupMs : null,
    requestId: str(e.requestId),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** What the dashboard has kept: EMF points per region, and samples of the viewer counters. */
interface Kept {
  readonly points: ReadonlyMap<string, readonly MetricsPoint[]>;
  readonly samples: readonly { at: number; requests: Record<string, number> }[];
}

/** One region's view over the window ending at `now`. */
function regionView(region: string, kept: Kept, sources: DashboardSources, now: number): RegionView {
  const counters = sources.counters.byEdgeRegion[region];
  const first = kept.samples[0];
  const last = kept.samples.at(-1);
  const span = first !== undefined && last !== undefined ? (last.at - first.at) / 1000 : 0;
  const rps = span > 0 ? ((last?.requests[region] ?? 0) - (first?.requests[region] ?? 0)) / span : 0;
  const list = (kept.points.get(region) ?? []).filter((p) => p.at >= now - DASHBOARD_WINDOW_MS);
  const main = list.filter((p) => p.replica === undefined);
  const lookups = main.reduce((n, p) => n + p.lookups, 0);
  const hits = main.reduce((n, p) => n + p.hits, 0);
  const latencies = main.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const replicaReads: Record<string, { reads: number; errors: number }> = {};
  for (const p of list) {
    if (p.replica === undefined) continue;
    const r = replicaReads[p.replica.region] ?? { reads: 0, errors: 0 };
    r.reads += p.replica.reads;
    r.errors += p.replica.errors;
    replicaReads[p.replica.region] = r;
  }
  return {
    region,
    rps: Math.round(Math.max(0, rps) * 10) / 10,
    requests: counters?.requests ?? 0,
    statusMix: { ...(counters?.byStatus ?? {}) },
    cacheHitRatio: lookups === 0 ? null : Math.round((hits / lookups) * 1000) / 1000,
    lookups,
    lookupMs:
      latencies.length === 0
        ? null
        : {
            p50: percentile(latencies, 50),
            p90: percentile(latencies, 90),
            p99: percentile(latencies, 99),
          },
    replicaReads,
  };
}

/**
 * Follows the sources and keeps the window. Close it with the local edge (it samples on a timer).
 *
 * @example
 * const state = startDashboardState({ functionLog, counters, replicas: () => replicaSet.views() });
 * state.snapshot().regions[0]?.rps;
 */
export function startDashboardState(sources: DashboardSources): DashboardState {
  const clock = sources.clock ?? Date.now;
  const points = new Map<string, MetricsPoint[]>();
  const decisions: DecisionView[] = [];
  // Viewer request counts per region at each sample, newest last (for requests per second).
  const samples: { at: number; requests: Record<string, number> }[] = [];
  const unsubscribe = sources.functionLog.subscribe((line) => {
    const point = metricsPoint(line);
    if (point !== undefined) {
      const list = points.get(line.edgeRegion) ?? [];
      list.push(point);
      points.set(line.edgeRegion, list);
    }
    const seen = decision(line);
    if (seen !== undefined) {
      decisions.unshift(seen);
      decisions.length = Math.min(decisions.length, RECENT_DECISIONS);
    }
  });
  const sample = () => {
    const requests: Record<string, number> = {};
    for (const [region, c] of Object.entries(sources.counters.byEdgeRegion)) requests[region] = c.requests;
    samples.push({ at: clock(), requests });
    if (samples.length > 6) samples.shift();
    const oldest = clock() - DASHBOARD_WINDOW_MS;
    for (const [region, list] of points)
      points.set(
        region,
        list.filter((p) => p.at >= oldest),
      );
  };
  sample();
  const timer = setInterval(sample, sources.sampleEveryMs ?? 1000);
  timer.unref();

  return {
    snapshot() {
      const regionNames = new Set([...Object.keys(sources.counters.byEdgeRegion), ...points.keys()]);
      regionNames.delete('invalid');
      const regions = [...regionNames]
        .sort()
        .map((region) => regionView(region, { points, samples }, sources, clock()));
      const replicas = Object.values(sources.replicas()).map((replica): ReplicaView => {
        const errors = regions.reduce((n, r) => n + (r.replicaReads[replica.region]?.errors ?? 0), 0);
        return {
          region: replica.region,
          fault: replica.fault,
          health: replica.fault.mode !== 'normal' ? 'faulted' : errors > 0 ? 'failing' : 'ok',
          requests: replica.counters.requests,
          faulted: replica.counters.faulted,
        };
      });
      return {
        at: new Date(clock()).toISOString(),
        windowMs: DASHBOARD_WINDOW_MS,
        regions,
        replicas,
        decisions: [...decisions],
      };
    },
    async close() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
