/**
 * Collects the outcome of every measured request into histograms and counters, and builds the
 * {@link LoadTestResult}. Knows nothing about HTTP or the handler: the targets report outcomes.
 * A request fails when it got no answer or a status the run does not expect (`--expect`).
 */

import { HOST_KINDS, type HostKind } from '../lib/generated-hosts.ts';
import type { ViewerCacheState } from './edge-region-spread.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import type {
  DynamoReads,
  EdgeRegionResult,
  HostKindResult,
  LoadTestResult,
  LoadTestSettings,
  PartialRun,
  RequestCacheOutcome,
  TimelinePoint,
} from './load-result.ts';
import type { MinimumReads } from './minimum-reads.ts';
import {
  cacheLabelOf,
  errorLabelOf,
  increment,
  isFailure,
  OutcomeGroup,
  sortedRecord,
} from './outcome-group.ts';
import { DEFAULT_EXPECTATION, errorRate, type StatusExpectation } from './status-expectation.ts';

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
  /** Kind of the generated host it asked for. */
  readonly hostKind?: HostKind;
}

const OUTCOMES: readonly RequestCacheOutcome[] = ['hit', 'miss', 'stale', 'negative'];

/** One second of the run, by intended send time. */
class SecondWindow {
  readonly histogram = new LatencyHistogram();
  readonly router = new LatencyHistogram();
  readonly byCache = new Map<string, LatencyHistogram>();
  readonly statuses = new Map<string, number>();
  errors = 0;

  point(second: number, completed: number): TimelinePoint {
    const h = this.histogram;
    return {
      second,
      count: h.count,
      errors: this.errors,
      p50: h.at(50),
      p99: h.at(99),
      max: h.at(100),
      ...(this.router.count > 0 && { router: { p50: this.router.at(50), p99: this.router.at(99) } }),
      ...(this.byCache.size > 0 && {
        byCache: Object.fromEntries(
          [...this.byCache].map(([label, c]) => [label, { count: c.count, p50: c.at(50), p99: c.at(99) }]),
        ),
      }),
      statuses: sortedRecord(this.statuses),
      completed,
    };
  }
}

/** What {@link LoadCollector.result} needs besides the recorded requests. */
export interface CollectorResultOptions {
  readonly settings: LoadTestSettings;
  readonly startedAt: string;
  readonly scheduled: number;
  /** Wall time from the first measured send to the last response. */
  readonly measuredWallMs: number;
  readonly dynamoReads?: number;
  /** Table reads by edge region during the measured part. */
  readonly dynamoReadsByEdgeRegion?: Readonly<Partial<Record<string, number>>>;
  /** Table reads of each host kind's items during the measured part (in-process). */
  readonly dynamoReadsByHostKind?: Readonly<Partial<Record<HostKind, number>>>;
  /** The minimum reads of the same trace. */
  readonly minimum?: MinimumReads;
  readonly partial?: PartialRun;
}

/** Accumulates measured requests. */
export class LoadCollector {
  readonly #expectation: StatusExpectation;
  readonly #all: OutcomeGroup;
  readonly #latency = new LatencyHistogram();
  readonly #router = new LatencyHistogram();
  readonly #byOutcome = new Map<RequestCacheOutcome, LatencyHistogram>();
  readonly #windows = new Map<number, SecondWindow>();
  readonly #completedBySecond = new Map<number, number>();
  readonly #errorKinds = new Map<string, number>();
  readonly #regions = new Map<string, number>();
  readonly #byEdgeRegion = new Map<string, OutcomeGroup>();
  readonly #byHostKind = new Map<HostKind, OutcomeGroup>();
  #routerSumMs = 0;
  /** Sum of response times of the requests that reported a router time. */
  #latencySumMs = 0;

  /** @param expectation statuses that count as success @default 2xx and 3xx */
  constructor(expectation: StatusExpectation = DEFAULT_EXPECTATION) {
    this.#expectation = expectation;
    this.#all = new OutcomeGroup(expectation);
  }

  /**
   * Records one measured request: its latency from the intended send time, and that intended time
   * relative to the start of the measured part (for the timeline).
   */
  record(latencyMs: number, measuredOffsetMs: number, outcome: RequestOutcome): void {
    this.#all.record(latencyMs, outcome);
    if (outcome.edgeRegion !== undefined)
      groupOf(this.#byEdgeRegion, outcome.edgeRegion, this.#expectation).record(latencyMs, outcome);
    if (outcome.hostKind !== undefined)
      groupOf(this.#byHostKind, outcome.hostKind, this.#expectation).record(latencyMs, outcome);
    const window = this.#windowAt(measuredOffsetMs);
    increment(window.statuses, outcome.status === undefined ? errorLabelOf(outcome) : String(outcome.status));
    if (isFailure(outcome, this.#expectation)) window.errors++;
    if (outcome.error !== undefined || outcome.status === undefined) {
      increment(this.#errorKinds, errorLabelOf(outcome));
      return;
    }
    increment(this.#completedBySecond, Math.max(0, Math.floor((measuredOffsetMs + latencyMs) / 1000)));
    this.#latency.record(latencyMs);
    window.histogram.record(latencyMs);
    const label = cacheLabelOf(outcome);
    if (label !== undefined) histogramOf(window.byCache, label).record(latencyMs);
    if (outcome.region !== undefined) increment(this.#regions, outcome.region);
    if (outcome.routerMs !== undefined) {
      this.#router.record(outcome.routerMs);
      window.router.record(outcome.routerMs);
      this.#routerSumMs += outcome.routerMs;
      this.#latencySumMs += latencyMs;
      if (outcome.cacheOutcome !== undefined)
        histogramOf(this.#byOutcome, outcome.cacheOutcome).record(outcome.routerMs);
    }
  }

  #windowAt(measuredOffsetMs: number): SecondWindow {
    const second = Math.max(0, Math.floor(measuredOffsetMs / 1000));
    let window = this.#windows.get(second);
    if (window === undefined) {
      window = new SecondWindow();
      this.#windows.set(second, window);
    }
    return window;
  }

  /** Answered measured requests so far. */
  get completed(): number {
    return this.#latency.count;
  }

  /** Failed measured requests so far (no answer, or a status not expected). */
  get errors(): number {
    return this.#all.failed;
  }

  /** Response-time percentile so far, for the progress line. */
  latencyAt(percentile: number): number {
    return this.#latency.at(percentile);
  }

  /** Builds the result. */
  result(options: CollectorResultOptions): LoadTestResult {
    const all = this.#all.result();
    const finished = this.#all.finished;
    const measuredSeconds = options.measuredWallMs / 1000;
    const seconds = [...this.#windows.keys()].sort((a, b) => a - b);
    const timeline = seconds.map((second) =>
      (this.#windows.get(second) as SecondWindow).point(second, this.#completedBySecond.get(second) ?? 0),
    );
    return {
      settings: options.settings,
      startedAt: options.startedAt,
      ...(options.partial !== undefined && { partial: options.partial }),
      requests: {
        scheduled: options.scheduled,
        completed: all.completed,
        errors: all.failed,
        noResponse: all.errors,
      },
      errorRate: errorRate(all.failed, finished),
      errorsByStatus: all.errorsByStatus,
      achievedRate: measuredSeconds > 0 ? all.completed / measuredSeconds : 0,
      latency: all.latency,
      ...(all.routerLatency !== undefined && {
        routerLatency: all.routerLatency,
        routerShare: this.#latencySumMs > 0 ? this.#routerSumMs / this.#latencySumMs : 0,
      }),
      ...this.#cacheOutcomes(),
      statuses: all.statuses,
      errorKinds: sortedRecord(this.#errorKinds),
      regions: sortedRecord(this.#regions),
      ...(options.dynamoReads !== undefined && {
        dynamoReads: dynamoReadsOf(options.dynamoReads, finished, options.minimum),
      }),
      ...(this.#byEdgeRegion.size > 0 && { byEdgeRegion: this.#edgeRegions(options) }),
      ...(this.#byHostKind.size > 0 && { byHostKind: this.#hostKinds(options) }),
      timeline,
      distribution: this.#latency.distribution(),
      ...(this.#router.count > 0 && { routerDistribution: this.#router.distribution() }),
    };
  }

  #cacheOutcomes(): Pick<LoadTestResult, 'byCacheOutcome' | 'cacheHitRatio'> {
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
    return withOutcome > 0 ? { byCacheOutcome, cacheHitRatio: served / withOutcome } : {};
  }

  #edgeRegions(options: CollectorResultOptions): Record<string, EdgeRegionResult> {
    return Object.fromEntries(
      [...this.#byEdgeRegion].map(([region, group]) => {
        // A region whose function never got a request to a replica read nothing: 0, not unknown.
        const reads = options.dynamoReadsByEdgeRegion && (options.dynamoReadsByEdgeRegion[region] ?? 0);
        const minimum = options.minimum?.byEdgeRegion[region];
        return [region, { ...group.result(reads), ...(minimum !== undefined && { minimumReads: minimum }) }];
      }),
    );
  }

  #hostKinds(options: CollectorResultOptions): Record<string, HostKindResult> {
    return Object.fromEntries(
      [...this.#byHostKind]
        .sort(([a], [b]) => HOST_KINDS.indexOf(a) - HOST_KINDS.indexOf(b))
        .map(([kind, group]) => {
          const requests = group.finished;
          const per1000 = (reads: number) => (requests > 0 ? (reads * 1000) / requests : 0);
          const reads = options.dynamoReadsByHostKind && (options.dynamoReadsByHostKind[kind] ?? 0);
          const result: HostKindResult = {
            ...group.result(reads),
            requests,
            ...(reads !== undefined && { readsPer1000: per1000(reads) }),
            ...(options.minimum !== undefined && {
              minimumReadsPer1000: per1000(options.minimum.byHostKind[kind] ?? 0),
            }),
          };
          return [kind, result];
        }),
    );
  }
}

function dynamoReadsOf(total: number, requests: number, minimum: MinimumReads | undefined): DynamoReads {
  const per1000 = (reads: number) => (requests > 0 ? (reads * 1000) / requests : 0);
  return {
    total,
    per1000Requests: per1000(total),
    ...(minimum !== undefined && {
      minimum: {
        total: minimum.total,
        per1000Requests: per1000(minimum.total),
        regions: minimum.regions,
        caveats: minimum.caveats,
      },
    }),
  };
}

function groupOf<K>(map: Map<K, OutcomeGroup>, key: K, expectation: StatusExpectation): OutcomeGroup {
  let group = map.get(key);
  if (group === undefined) {
    group = new OutcomeGroup(expectation);
    map.set(key, group);
  }
  return group;
}

function histogramOf<K>(map: Map<K, LatencyHistogram>, key: K): LatencyHistogram {
  let histogram = map.get(key);
  if (histogram === undefined) {
    histogram = new LatencyHistogram();
    map.set(key, histogram);
  }
  return histogram;
}
