/**
 * The cache outcome of each request the load test drives, taken from the handler's `onRouted`
 * hook: the handler reports the outcomes of the lookups it made for that very event, so concurrent
 * requests (a hit overtaking a miss) never mix their outcomes, and the router is not rebuilt or
 * wrapped to observe it.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';
import type { CacheOutcome } from '../../edge/model.ts';
import type { RouterHooks } from '../../edge/origin-request.ts';
import type { RequestCacheOutcome } from './load-result.ts';

/** Severity order: a request that read the table at all is a miss, whatever its other lookups. */
const RANK: Record<CacheOutcome, number> = { hit: 0, negative: 1, stale: 2, miss: 3 };

/** The request-level outcome of its lookups: the most expensive one; undefined when none. */
export function requestOutcome(outcomes: readonly CacheOutcome[]): RequestCacheOutcome | undefined {
  let worst: CacheOutcome | undefined;
  for (const outcome of outcomes) if (worst === undefined || RANK[outcome] > RANK[worst]) worst = outcome;
  return worst;
}

/** Hooks to hand to the handler, and the outcome they recorded for an event. */
export interface RequestOutcomeRecorder {
  readonly hooks: RouterHooks;
  /** The outcome of the request routed for `event` (undefined when it made no lookup). */
  outcomeOf(event: CloudFrontRequestEvent): RequestCacheOutcome | undefined;
}

/** Records each routed event's request-level cache outcome. */
export function createRequestOutcomeRecorder(): RequestOutcomeRecorder {
  const outcomes = new WeakMap<CloudFrontRequestEvent, RequestCacheOutcome | undefined>();
  return {
    hooks: { onRouted: (event, result) => outcomes.set(event, requestOutcome(result.outcomes)) },
    outcomeOf: (event) => outcomes.get(event),
  };
}
