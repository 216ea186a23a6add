/**
 * The result of one load test run: what the summary table, `--json` and `--html` report.
 */
import type { LatencySummary, PercentilePoint } from './latency-histogram.ts';

/** How the cache served a request: the worst outcome among its lookups. */
export type RequestCacheOutcome = 'hit' | 'miss' | 'stale' | 'negative';

/** One second of the measured run (by intended send time). */
export interface TimelinePoint {
  /** Seconds from the start of the measured part. */
  readonly second: number;
  readonly count: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The settings a run was made with, echoed into its report. */
export interface LoadTestSettings {
  readonly mode: 'http' | 'in-process';
  /** URL of the HTTP target, or `in-process`. */
  readonly target: string;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** HTTP connections (sockets) to the target. */
  readonly connections?: number;
  /** Number of distinct hosts requested. */
  readonly hosts: number;
  /** Zipf exponent; 0 is uniform popularity. */
  readonly zipf: number;
  readonly seed: number;
  /** Extra labelled settings (cache TTL, cache size, added read latency, ...). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

/** Everything measured in one run. */
export interface LoadTestResult {
  readonly settings: LoadTestSettings;
  readonly startedAt: string;
  /** Measured requests (warm-up excluded). */
  readonly requests: {
    readonly scheduled: number;
    readonly completed: number;
    readonly errors: number;
  };
  /** Completed measured requests per second of measured wall time. */
  readonly achievedRate: number;
  /** Response time from the intended send time to the end of the response. */
  readonly latency: LatencySummary;
  /** The router's own time: `Server-Timing: router;dur=` (HTTP) or the handler's time (in-process). */
  readonly routerLatency?: LatencySummary;
  /** Mean router time over mean response time. */
  readonly routerShare?: number;
  /** Router time split by cache outcome. */
  readonly byCacheOutcome?: Readonly<Partial<Record<RequestCacheOutcome, LatencySummary>>>;
  /** Share of requests served without a table read (hit, negative, stale) among those with an outcome. */
  readonly cacheHitRatio?: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Error kinds (`timeout`, `ECONNREFUSED`, ...) and their counts. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Requests per region the router sent them to (or `generated` for its own answers). */
  readonly regions: Readonly<Record<string, number>>;
  /** Table reads (GetItem) made during the measured part, when they can be counted. */
  readonly dynamoReads?: { readonly total: number; readonly per1000Requests: number };
  /** The same, per emulated edge region (`--edge-regions`). */
  readonly byEdgeRegion?: Readonly<Record<string, EdgeRegionResult>>;
  readonly timeline: readonly TimelinePoint[];
  readonly distribution: readonly PercentilePoint[];
}

/** What the requests sent to one edge region saw. */
export interface EdgeRegionResult {
  /** Requests that got an answer. */
  readonly completed: number;
  /** Requests that got none (timeout, connection error). */
  readonly errors: number;
  /** Requests that got no answer or a 5xx (e.g. a lookup that failed: 503). */
  readonly failed: number;
  /** Response time of the answered requests. */
  readonly latency: LatencySummary;
  /** Those whose tenant was not cached in the edge region yet (no earlier answer there). */
  readonly uncached?: LatencySummary;
  /** Those whose tenant was cached there. */
  readonly cached?: LatencySummary;
  readonly statuses: Readonly<Record<string, number>>;
  /** Table reads the edge region's function made during the measured part. */
  readonly dynamoReads?: number;
  /** The replica the edge region reads first, and its round trip (docs/geography.md), ms. */
  readonly nearestReplica?: { readonly region: string; readonly rttMs: number };
}
