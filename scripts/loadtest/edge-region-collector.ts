/**
 * The outcomes of the requests sent to one edge region: latency of all of them and split by
 * whether the tenant was cached there, failures (no answer, or a 5xx: a lookup that failed) and
 * statuses.
 */
import { LatencyHistogram } from './latency-histogram.ts';
import type { RequestOutcome } from './load-collector.ts';
import type { EdgeRegionResult } from './load-result.ts';

/** Accumulates one edge region's measured requests. */
export class EdgeRegionCollector {
  readonly #latency = new LatencyHistogram();
  readonly #uncached = new LatencyHistogram();
  readonly #cached = new LatencyHistogram();
  readonly #statuses = new Map<string, number>();
  #errors = 0;
  #failed = 0;

  record(latencyMs: number, outcome: RequestOutcome): void {
    if (outcome.error !== undefined || outcome.status === undefined) {
      this.#errors++;
      this.#failed++;
      return;
    }
    if (outcome.status >= 500) this.#failed++;
    this.#statuses.set(String(outcome.status), (this.#statuses.get(String(outcome.status)) ?? 0) + 1);
    this.#latency.record(latencyMs);
    if (outcome.viewerCache === 'uncached') this.#uncached.record(latencyMs);
    else if (outcome.viewerCache === 'cached') this.#cached.record(latencyMs);
  }

  result(dynamoReads: number | undefined): EdgeRegionResult {
    return {
      completed: this.#latency.count,
      errors: this.#errors,
      failed: this.#failed,
      latency: this.#latency.summary(),
      ...(this.#uncached.count > 0 && { uncached: this.#uncached.summary() }),
      ...(this.#cached.count > 0 && { cached: this.#cached.summary() }),
      statuses: Object.fromEntries(this.#statuses),
      ...(dynamoReads !== undefined && { dynamoReads }),
    };
  }
}
