/**
 * The router's metrics: counted in the container as requests are routed, written as CloudWatch
 * EMF log lines ({@link emfDocument}) at the end of an invocation once the flush interval has
 * passed, never per request. Lambda@Edge writes them to the executing region's log group, where
 * CloudWatch extracts them as metrics of that region. See docs/observability.md.
 *
 * The warm path (a request answered from the route cache) adds counter increments only: no
 * allocation and no clock read. Whether the interval has passed is a flag set by a timer, read at
 * the end of each invocation: the timer never flushes anything itself, since a frozen Lambda
 * container runs no timers and writes nothing between invocations; after a thaw the overdue timer
 * fires on the first turn of the event loop and the next invocation flushes.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';
import type { MetricsConfig } from './config.ts';
import type { ReplicaAttempt } from './dynamodb-tenant-store.ts';
import { type EmfMetric, emfDocument } from './emf.ts';
import { createLatencyHistogram } from './latency-histogram.ts';
import type { Logger } from './logger.ts';
import type { CacheOutcome, Region, RouteDecision } from './model.ts';
import type { RouteResult } from './resolve-route.ts';
import type { Clock } from './tenant-store.ts';

/** Latency values written per flush at most (10 documents of 100); beyond, a proportional sample. */
export const LATENCY_VALUES_PER_FLUSH = 1000;

/** Names of the metrics without dimensions, in the order they are written. */
export const ROUTER_METRIC_NAMES = [
  'Requests',
  'Forwarded',
  'Generated4xx',
  'Generated5xx',
  'LookupFailures',
  'MalformedItems',
  'CacheHits',
  'CacheMisses',
  'CacheStale',
  'CacheNegative',
  'ReplicaFailovers',
  'ReplicaErrors',
  'HedgedReads',
  'ReplicaDemotions',
  'ReplicaPromotions',
  'ReplicaProbes',
] as const;
/** A metric without dimensions. */
export type RouterMetricName = (typeof ROUTER_METRIC_NAMES)[number] | 'LookupLatency';

/** Options of {@link createRouterMetrics}. */
export interface RouterMetricsOptions {
  /** Namespace and flush interval. */
  readonly config: MetricsConfig;
  /** Where the EMF lines go (stdout in Lambda: the function's log group in the executing region). */
  readonly logger: Logger;
  /** Region the function runs in: a field of every line (not a dimension: the log group is per region). */
  readonly edgeRegion: string;
  /** Wall clock for the documents' Timestamp, read once per flush. @default Date.now */
  readonly clock?: Clock;
  /**
   * Calls `due` once `ms` have passed. @default an unref'd setTimeout (it never keeps a process
   * alive, and a frozen container simply fires it late)
   */
  readonly schedule?: (ms: number, due: () => void) => void;
}

/** The metrics of one handler instance: the hooks it observes through, and a manual flush. */
export interface RouterMetrics {
  /** Counts one routed request (the handler's `onRouted` hook); flushes when the interval has passed. */
  onRouted(event: CloudFrontRequestEvent, result: RouteResult, lookupMs: number): void;
  /** Counts one replica read attempt (the DynamoDB store's observer). */
  onAttempt(attempt: ReplicaAttempt): void;
  /** Writes what was counted since the last flush (nothing when nothing was), and starts a new interval. */
  flush(): void;
}

type Via = Extract<RouteDecision, { kind: 'forward' }>['via'];
interface Counter {
  n: number;
}
interface ReplicaCounts {
  reads: number;
  errors: number;
  demotions: number;
  promotions: number;
  probes: number;
}

const defaultSchedule = (ms: number, due: () => void): void => {
  setTimeout(due, ms).unref();
};

/**
 * Creates the metrics of one handler instance.
 *
 * @example
 * const metrics = createRouterMetrics({ config: config.metrics, logger, edgeRegion });
 * const handle = createOriginRequestHandler({ config, hooks: metrics });
 */
export function createRouterMetrics(options: RouterMetricsOptions): RouterMetrics {
  const { logger, edgeRegion } = options;
  const { namespace, flushIntervalMs } = options.config;
  const clock = options.clock ?? Date.now;
  const schedule = options.schedule ?? defaultSchedule;
  const latency = createLatencyHistogram();
  // Counters are mutated in place and reset to 0 (never replaced), so the warm path allocates nothing.
  const cache: Record<CacheOutcome, number> = { hit: 0, miss: 0, stale: 0, negative: 0 };
  const forwardedVia: Record<Via, number> = { home: 0, dedicated: 0, failover: 0, fallback: 0 };
  const generated = new Map<number, Map<string, Counter>>();
  const replicas = new Map<Region, ReplicaCounts>();
  let requests = 0;
  let failovers = 0;
  let replicaErrors = 0;
  let hedges = 0;
  let demotions = 0;
  let promotions = 0;
  let probes = 0;
  let due = false;
  // Only the latest timer counts: a manual flush starts a new interval, and the older timer must not end it early.
  let interval = 0;
  const arm = () => {
    const current = ++interval;
    schedule(flushIntervalMs, () => {
      if (current === interval) due = true;
    });
  };
  arm();

  function generatedCounter(status: number, reason: string): Counter {
    let reasons = generated.get(status);
    if (reasons === undefined) {
      reasons = new Map();
      generated.set(status, reasons);
    }
    let counter = reasons.get(reason);
    if (counter === undefined) {
      counter = { n: 0 };
      reasons.set(reason, counter);
    }
    return counter;
  }

  function generatedCount(status: number, reason?: string): number {
    let sum = 0;
    for (const [s, reasons] of generated) {
      if (reason === undefined ? Math.trunc(s / 100) !== Math.trunc(status / 100) : s !== status) continue;
      for (const [r, counter] of reasons) if (reason === undefined || r === reason) sum += counter.n;
    }
    return sum;
  }

  function documents(timestamp: number): object[] {
    const totals: Record<(typeof ROUTER_METRIC_NAMES)[number], number> = {
      Requests: requests,
      Forwarded: forwardedVia.home + forwardedVia.dedicated + forwardedVia.failover + forwardedVia.fallback,
      Generated4xx: generatedCount(400),
      Generated5xx: generatedCount(500),
      LookupFailures: generatedCount(503, 'lookup-failed'),
      MalformedItems: generatedCount(502, 'malformed-item'),
      CacheHits: cache.hit,
      CacheMisses: cache.miss,
      CacheStale: cache.stale,
      CacheNegative: cache.negative,
      ReplicaFailovers: failovers,
      ReplicaErrors: replicaErrors,
      HedgedReads: hedges,
      ReplicaDemotions: demotions,
      ReplicaPromotions: promotions,
      ReplicaProbes: probes,
    };
    const doc = (dimensions: Record<string, string>, metrics: EmfMetric[]) =>
      emfDocument({ namespace, timestamp, dimensions, metrics });
    const counts: EmfMetric[] = ROUTER_METRIC_NAMES.map((name) => ({
      name,
      unit: 'Count',
      value: totals[name],
    }));
    const values = latency.values(LATENCY_VALUES_PER_FLUSH);
    const chunks: number[][] = [];
    for (let i = 0; i < values.length; i += 100) chunks.push(values.slice(i, i + 100));
    const latencyMetric = (chunk: number[]): EmfMetric => ({
      name: 'LookupLatency',
      unit: 'Milliseconds',
      value: chunk,
    });
    const [first, ...rest] = chunks;
    const docs: object[] = [doc({}, first === undefined ? counts : [...counts, latencyMetric(first)])];
    for (const chunk of rest) docs.push(doc({}, [latencyMetric(chunk)]));
    for (const [via, n] of Object.entries(forwardedVia)) {
      if (n > 0)
        docs.push(doc({ Outcome: `forward:${via}` }, [{ name: 'Responses', unit: 'Count', value: n }]));
    }
    for (const [status, reasons] of generated) {
      for (const [reason, counter] of reasons) {
        if (counter.n === 0) continue;
        docs.push(
          doc({ Outcome: `${status}:${reason}` }, [{ name: 'Responses', unit: 'Count', value: counter.n }]),
        );
      }
    }
    for (const [region, r] of replicas) {
      if (r.reads === 0) continue;
      docs.push(
        doc({ Replica: region }, [
          { name: 'ReplicaReads', unit: 'Count', value: r.reads },
          { name: 'ReplicaErrors', unit: 'Count', value: r.errors },
          { name: 'ReplicaDemotions', unit: 'Count', value: r.demotions },
          { name: 'ReplicaPromotions', unit: 'Count', value: r.promotions },
          { name: 'ReplicaProbes', unit: 'Count', value: r.probes },
        ]),
      );
    }
    return docs;
  }

  function reset(): void {
    requests = failovers = replicaErrors = hedges = demotions = promotions = probes = 0;
    cache.hit = cache.miss = cache.stale = cache.negative = 0;
    forwardedVia.home = forwardedVia.dedicated = forwardedVia.failover = forwardedVia.fallback = 0;
    for (const reasons of generated.values()) for (const counter of reasons.values()) counter.n = 0;
    for (const r of replicas.values()) r.reads = r.errors = r.demotions = r.promotions = r.probes = 0;
    latency.reset();
  }

  const metrics: RouterMetrics = {
    onRouted(_event, result, lookupMs) {
      requests++;
      const decision = result.decision;
      if (decision.kind === 'forward') forwardedVia[decision.via]++;
      else generatedCounter(decision.status, decision.reason).n++;
      const outcomes = result.outcomes;
      for (let i = 0; i < outcomes.length; i++) cache[outcomes[i] as CacheOutcome]++;
      // 0 is the warm path (nothing read); only requests that went to the table have a lookup time.
      if (lookupMs > 0) latency.record(lookupMs);
      if (due) metrics.flush();
    },
    onAttempt(attempt) {
      let counts = replicas.get(attempt.region);
      if (counts === undefined) {
        counts = { reads: 0, errors: 0, demotions: 0, promotions: 0, probes: 0 };
        replicas.set(attempt.region, counts);
      }
      counts.reads++;
      if (!attempt.ok) {
        counts.errors++;
        replicaErrors++;
      }
      if (attempt.kind === 'failover') failovers++;
      else if (attempt.kind === 'hedge') hedges++;
      else if (attempt.kind === 'probe') {
        counts.probes++;
        probes++;
      }
      if (attempt.change?.change === 'demoted') {
        counts.demotions++;
        demotions++;
      } else if (attempt.change?.change === 'promoted') {
        counts.promotions++;
        promotions++;
      }
    },
    flush() {
      due = false;
      arm();
      if (requests === 0 && replicaErrors === 0 && [...replicas.values()].every((r) => r.reads === 0)) return;
      const docs = documents(clock());
      reset();
      for (const doc of docs) logger.log({ level: 'info', msg: 'metrics', edgeRegion, ...doc });
    },
  };
  return metrics;
}
