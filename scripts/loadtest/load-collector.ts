/**
 * Collects the outcome of every measured request into histograms and counters, and builds the
 * {@link LoadTestResult}. Knows nothing about HTTP or the handler: the targets report outcomes.
 */

import { EdgeRegionCollector } from './edge-region-collector.ts';
import type { ViewerCacheState } from './edge-region-spread.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import type { LoadTestResult, LoadTestSettings, RequestCacheOutcome, TimelinePoint } from './load-result.ts';

/** What a target reports about one request. */
export interface RequestOutcome {
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Error kind when no response arrived (`timeout`, `ECONNRESET`, ...). */
  readonly error?: string;
  /** Region the request was routed to, or `generated` for a response made by the router. */
  readonly region?: string;
  /** The router's own time in ms, when known. */
  readonly routerMs?: number;
  /** How the route cache served it, when known. */
  readonly cacheOutcome?: RequestCacheOutcome;
  /** The emulated edge region it was sent to (`--edge-regions`). */
  readonly edgeRegion?: string;
  /** Whether its tenant was cached in that edge region, as the viewer can tell. */
  readonly viewerCache?: ViewerCacheState;
}

const OUTCOMES: readonly RequestCacheOutcome[] = ['hit', 'miss', 'stale', 'negative'];

/** Accumulates measured requests. */
export class LoadCollector {
  readonly #latency = new LatencyHistogram();
  readonly #router = new LatencyHistogram();
  readonly #byOutcome = new Map<RequestCacheOutcome, LatencyHistogram>();
  readonly #windows = new Map<number, { histogram: LatencyHistogram; errors: number }>();
  readonly #statuses = new Map<string, number>();
  readonly #errorKinds = new Map<string, number>();
  readonly #regions = new Map<string, number>();
  readonly #byEdgeRegion = new Map<string, EdgeRegionCollector>();
  #errors = 0;
  #routerSumMs = 0;
  /** Sum of response times of the requests that reported a router time. */
  #latencySumMs = 0;
  #routerCount = 0;

  /**
   * Records one measured request: its latency from the intended send time, and that intended time
   * relative to the start of the measured part (for the timeline).
   */
  record(latencyMs: number, measuredOffsetMs: number, outcome: RequestOutcome): void {
    const second = Math.max(0, Math.floor(measuredOffsetMs / 1000));
    if (outcome.edgeRegion !== undefined) {
      let edge = this.#byEdgeRegion.get(outcome.edgeRegion);
      if (edge === undefined) {
        edge = new EdgeRegionCollector();
        this.#byEdgeRegion.set(outcome.edgeRegion, edge);
      }
      edge.record(latencyMs, outcome);
    }
    let window = this.#windows.get(second);
    if (window === undefined) {
      window = { histogram: new LatencyHistogram(), errors: 0 };
      this.#windows.set(second, window);
    }
    if (outcome.error !== undefined || outcome.status === undefined) {
      this.#errors++;
      window.errors++;
      increment(this.#errorKinds, outcome.error ?? 'no-response');
      return;
    }
    this.#latency.record(latencyMs);
    window.histogram.record(latencyMs);
    increment(this.#statuses, String(outcome.status));
    if (outcome.region !== undefined) increment(this.#regions, outcome.region);
    if (outcome.routerMs !== undefined) {
      this.#router.record(outcome.routerMs);
      this.#routerSumMs += outcome.routerMs;
      this.#latencySumMs += latencyMs;
      this.#routerCount++;
      if (outcome.cacheOutcome !== undefined) {
        let histogram = this.#byOutcome.get(outcome.cacheOutcome);
        if (histogram === undefined) {
          histogram = new LatencyHistogram();
          this.#byOutcome.set(outcome.cacheOutcome, histogram);
        }
        histogram.record(outcome.routerMs);
      }
    }
  }

  /** Completed (responded) measured requests so far. */
  get completed(): number {
    return this.#latency.count;
  }

  /** Failed measured requests so far. */
  get errors(): number {
    return this.#errors;
  }

  /** Response-time percentile so far, for the progress line. */
  latencyAt(percentile: number): number {
    return this.#latency.at(percentile);
  }

  /** Builds the result. `measuredWallMs` is the wall time from the first measured send to the last response. */
  result(options: {
    settings: LoadTestSettings;
    startedAt: string;
    scheduled: number;
    measuredWallMs: number;
    dynamoReads?: number;
    /** Table reads by edge region during the measured part. */
    dynamoReadsByEdgeRegion?: Readonly<Record<string, number>>;
  }): LoadTestResult {
    const completed = this.#latency.count;
    const timeline: TimelinePoint[] = [...this.#windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, { histogram, errors }]) => ({
        second,
        count: histogram.count,
        errors,
        p50: histogram.at(50),
        p99: histogram.at(99),
        max: histogram.at(100),
      }));
    const byCacheOutcome: Partial<Record<RequestCacheOutcome, ReturnType<LatencyHistogram['summary']>>> = {};
    let withOutcome = 0;
    let served = 0;
    for (const outcome of OUTCOMES) {
      const histogram = this.#byOutcome.get(outcome);
      if (histogram === undefined) continue;
      byCacheOutcome[outcome] = histogram.summary();
      withOutcome += histogram.count;
      if (outcome !== 'miss') served += histogram.count;
    }
    const measuredSeconds = options.measuredWallMs / 1000;
    const requests = completed + this.#errors;
    return {
      settings: options.settings,
      startedAt: options.startedAt,
      requests: { scheduled: options.scheduled, completed, errors: this.#errors },
      achievedRate: measuredSeconds > 0 ? completed / measuredSeconds : 0,
      latency: this.#latency.summary(),
      ...(this.#routerCount > 0 && {
        routerLatency: this.#router.summary(),
        routerShare: this.#latencySumMs > 0 ? this.#routerSumMs / this.#latencySumMs : 0,
      }),
      ...(withOutcome > 0 && { byCacheOutcome, cacheHitRatio: served / withOutcome }),
      statuses: Object.fromEntries(this.#statuses),
      errorKinds: Object.fromEntries(this.#errorKinds),
      regions: Object.fromEntries(this.#regions),
      ...(options.dynamoReads !== undefined && {
        dynamoReads: {
          total: options.dynamoReads,
          per1000Requests: requests > 0 ? (options.dynamoReads * 1000) / requests : 0,
        },
      }),
      ...(this.#byEdgeRegion.size > 0 && {
        byEdgeRegion: Object.fromEntries(
          [...this.#byEdgeRegion].map(([region, edge]) => [
            region,
            // A region whose function never got a request to a replica read nothing: 0, not unknown.
            edge.result(options.dynamoReadsByEdgeRegion && (options.dynamoReadsByEdgeRegion[region] ?? 0)),
          ]),
        ),
      }),
      timeline,
      distribution: this.#latency.distribution(),
    };
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
