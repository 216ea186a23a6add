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
  readonly timeline: readonly TimelinePoint[];
  readonly distribution: readonly PercentilePoint[];
}
