/**
 * The outcomes of one group of requests (one edge region, one host kind, or the whole run):
 * answered and failed requests, errors by status, response and router time, split by cache
 * state. A request fails when it got no answer or a status the run does not expect.
 */
import { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';
import type { RequestOutcome } from './load-collector.ts';
import type { GroupResult, RequestCacheOutcome } from './load-result.ts';
import { isExpectedStatus, type StatusExpectation } from './status-expectation.ts';

/** The error label of a request: its unexpected status, or why no answer came (`timeout`). */
export function errorLabelOf(outcome: RequestOutcome): string {
  return outcome.status === undefined || outcome.error !== undefined
    ? (outcome.error ?? 'no-response')
    : String(outcome.status);
}

/** Whether `outcome` counts as an error under `expectation`. */
export function isFailure(outcome: RequestOutcome, expectation: StatusExpectation): boolean {
  return (
    outcome.error !== undefined ||
    outcome.status === undefined ||
    !isExpectedStatus(expectation, outcome.status)
  );
}

/** The cache label a request is charted by: the router's outcome when known, else the viewer's view. */
export function cacheLabelOf(
  outcome: RequestOutcome,
): RequestCacheOutcome | 'uncached' | 'cached' | undefined {
  return outcome.cacheOutcome ?? outcome.viewerCache;
}

/** Accumulates one group's measured requests. */
export class OutcomeGroup {
  readonly #expectation: StatusExpectation;
  readonly #latency = new LatencyHistogram();
  readonly #router = new LatencyHistogram();
  readonly #uncached = new LatencyHistogram();
  readonly #cached = new LatencyHistogram();
  readonly #statuses = new Map<string, number>();
  readonly #errorsByStatus = new Map<string, number>();
  #noAnswer = 0;
  #failed = 0;
  /** Requests with a router cache outcome, and those served without a read. */
  #withOutcome = 0;
  #served = 0;

  constructor(expectation: StatusExpectation) {
    this.#expectation = expectation;
  }

  /** Records one request's outcome and its response time (from the intended send time). */
  record(latencyMs: number, outcome: RequestOutcome): void {
    if (isFailure(outcome, this.#expectation)) {
      this.#failed++;
      increment(this.#errorsByStatus, errorLabelOf(outcome));
    }
    if (outcome.error !== undefined || outcome.status === undefined) {
      this.#noAnswer++;
      return;
    }
    increment(this.#statuses, String(outcome.status));
    this.#latency.record(latencyMs);
    if (outcome.routerMs !== undefined) this.#router.record(outcome.routerMs);
    if (outcome.viewerCache === 'uncached') this.#uncached.record(latencyMs);
    else if (outcome.viewerCache === 'cached') this.#cached.record(latencyMs);
    if (outcome.cacheOutcome !== undefined) {
      this.#withOutcome++;
      if (outcome.cacheOutcome !== 'miss') this.#served++;
    }
  }

  /** Requests recorded. */
  get finished(): number {
    return this.#latency.count + this.#noAnswer;
  }

  /** Requests that failed. */
  get failed(): number {
    return this.#failed;
  }

  /** The group's figures; `dynamoReads` when its reads can be counted. */
  result(dynamoReads?: number): GroupResult {
    const summaryIfAny = (h: LatencyHistogram): LatencySummary | undefined =>
      h.count > 0 ? h.summary() : undefined;
    const router = summaryIfAny(this.#router);
    const uncached = summaryIfAny(this.#uncached);
    const cached = summaryIfAny(this.#cached);
    return {
      completed: this.#latency.count,
      errors: this.#noAnswer,
      failed: this.#failed,
      errorsByStatus: sortedRecord(this.#errorsByStatus),
      latency: this.#latency.summary(),
      ...(router !== undefined && { routerLatency: router }),
      ...(uncached !== undefined && { uncached }),
      ...(cached !== undefined && { cached }),
      ...(this.#withOutcome > 0 && { cacheHitRatio: this.#served / this.#withOutcome }),
      statuses: sortedRecord(this.#statuses),
      ...(dynamoReads !== undefined && { dynamoReads }),
    };
  }
}

/** Adds one to a counter. */
export function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** A counter map as a plain record, keys in order (numbers first, by value). */
export function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}
