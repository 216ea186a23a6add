/**
 * The result of one load test run: what the summary table, `--json` and `--html` report.
 */
import type { LatencySummary, PercentilePoint } from './latency-histogram.ts';

/** How the cache served a request: the worst outcome among its lookups. */
export type RequestCacheOutcome = 'hit' | 'miss' | 'stale' | 'negative';

/** Percentiles of one cache label in one second. */
export interface SecondPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

/** One second of the measured run (by intended send time, except `completed`). */
export interface TimelinePoint {
  /** Seconds from the start of the measured part. */
  readonly second: number;
  /** Requests of this second that got an answer. */
  readonly count: number;
  /** Requests of this second that failed (no answer, or a status not expected). */
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The router's own time of this second's requests, when known. */
  readonly router?: { readonly p50: number; readonly p99: number };
  /** Response time by cache label: hit/miss/... (in-process) or uncached/cached (as the viewer saw it). */
  readonly byCache?: Readonly<Record<string, SecondPercentiles>>;
  /** Answers by status, and requests with no answer by why (`timeout`). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Responses that completed during this second (throughput, by completion time). */
  readonly completed: number;
}

/** The settings a run was made with, echoed into its report. */
export interface LoadTestSettings {
  readonly mode: 'http' | 'in-process' | 'engine';
  /** URL of the HTTP target, or `in-process`. */
  readonly target: string;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** HTTP connections (sockets) to the target. */
  readonly connections?: number;
  /** Number of distinct hosts requested. */
  readonly hosts: number;
  /** Kind of the generated hosts (`--hosts-kind`); absent for a hosts file. */
  readonly hostsKind?: string;
  /** Zipf exponent; 0 is uniform popularity. */
  readonly zipf: number;
  readonly seed: number;
  /** Statuses that count as success (`--expect`). */
  readonly expect: string;
  /** Error share over which the run fails (`--max-error-rate`). */
  readonly maxErrorRate: number;
  /** Extra labelled settings (cache TTL, cache size, added read latency, ...). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

/** Where and with what a run was made, so a report can be compared with another. */
export interface RunEnvironment {
  /** The command as typed (`npm run loadtest -- ...`). */
  readonly command: string;
  readonly cpu: string;
  readonly cores: number;
  /** Load average over the last minute when the run started (a shared machine shows here). */
  readonly loadAverage: number;
  readonly node: string;
  readonly platform: string;
  /** The project's version and commit (`0.1.0 (abc1234, modified)`). */
  readonly version: string;
  /** The load engine, when an existing engine ran the load (`locust 2.12.1`). */
  readonly engine?: string;
}

/** A run that did not finish its schedule (Ctrl-C). */
export interface PartialRun {
  readonly reason: 'interrupted';
  /** When it was interrupted. */
  readonly at: string;
  /** Measured requests sent before the interruption, of `requests.scheduled`. */
  readonly sent: number;
}

/** What one group of requests saw (an edge region, a host kind). */
export interface GroupResult {
  /** Requests that got an answer (any status). */
  readonly completed: number;
  /** Requests that got none (timeout, connection error). */
  readonly errors: number;
  /** Requests that failed: no answer, or a status not expected (`--expect`). */
  readonly failed: number;
  /** The failed requests by status, or by why no answer came (`timeout`). */
  readonly errorsByStatus: Readonly<Record<string, number>>;
  /** Response time of the answered requests. */
  readonly latency: LatencySummary;
  /** The router's own time, when known. */
  readonly routerLatency?: LatencySummary;
  /** Those whose tenant was not cached in the edge region yet (no earlier answer there). */
  readonly uncached?: LatencySummary;
  /** Those whose tenant was cached there. */
  readonly cached?: LatencySummary;
  /** Share served without a table read (in-process: the router's own outcomes). */
  readonly cacheHitRatio?: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Table reads the group's requests caused during the measured part, when they can be counted. */
  readonly dynamoReads?: number;
}

/** What the requests sent to one edge region saw. */
export interface EdgeRegionResult extends GroupResult {
  /** The replica the edge region reads first, and its round trip (docs/geography.md), ms. */
  readonly nearestReplica?: { readonly region: string; readonly rttMs: number };
  /** The fewest reads an ideal cache of the router's TTLs would have made for its requests. */
  readonly minimumReads?: number;
}

/** What the requests for one kind of host saw, and their read cost against the minimum. */
export interface HostKindResult extends GroupResult {
  /** Measured requests for hosts of this kind. */
  readonly requests: number;
  /** DynamoDB reads of this kind's DOMAIN and TENANT items per 1,000 of its requests (in-process). */
  readonly readsPer1000?: number;
  /** The fewest reads per 1,000 requests an ideal cache would have made, from the same trace. */
  readonly minimumReadsPer1000?: number;
}

/** Table reads of the measured part against the minimum the same trace needs. */
export interface DynamoReads {
  readonly total: number;
  readonly per1000Requests: number;
  /** The fewest reads an ideal cache (the router's TTLs, unbounded) would have made. */
  readonly minimum?: MinimumReadsSummary;
}

/** The minimum read count of a trace, and what it assumed. */
export interface MinimumReadsSummary {
  readonly total: number;
  readonly per1000Requests: number;
  /** Reads of the shared REGIONS item among them. */
  readonly regions: number;
  /** Why the figure may be off (a cache smaller than the keys, replicas failing). */
  readonly caveats: readonly string[];
}

/** Everything measured in one run. */
export interface LoadTestResult {
  readonly settings: LoadTestSettings;
  readonly startedAt: string;
  /** Set when the run stopped before its schedule ended: the figures cover what was sent. */
  readonly partial?: PartialRun;
  readonly environment?: RunEnvironment;
  /** Measured requests (warm-up excluded). */
  readonly requests: {
    readonly scheduled: number;
    /** Answered (any status). */
    readonly completed: number;
    /** Failed: no answer, or a status not expected (`--expect`). */
    readonly errors: number;
    /** Of the failed, those with no answer at all. */
    readonly noResponse: number;
  };
  /** Failed over finished requests. */
  readonly errorRate: number;
  /** The failed requests by status, or by why no answer came. */
  readonly errorsByStatus: Readonly<Record<string, number>>;
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
  /** Why requests got no answer (`timeout`, `ECONNREFUSED`, ...) and their counts. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Requests per region the router sent them to (or `generated` for its own answers). */
  readonly regions: Readonly<Record<string, number>>;
  /** Table reads (GetItem) made during the measured part, when they can be counted. */
  readonly dynamoReads?: DynamoReads;
  /** The same, per emulated edge region (`--edge-regions`). */
  readonly byEdgeRegion?: Readonly<Record<string, EdgeRegionResult>>;
  /** Per kind of generated host (`--hosts-kind`). */
  readonly byHostKind?: Readonly<Record<string, HostKindResult>>;
  readonly timeline: readonly TimelinePoint[];
  readonly distribution: readonly PercentilePoint[];
  /** The router's time by percentile, when known. */
  readonly routerDistribution?: readonly PercentilePoint[];
}
