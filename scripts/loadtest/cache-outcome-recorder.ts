/**
 * Attributes cache outcomes to the request that caused them: wraps the cached store handed to the
 * handler and records each lookup's outcome in the async context of the request being driven, so
 * concurrent requests (a hit overtaking a miss) never mix their outcomes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CacheOutcome } from '../../edge/model.ts';
import type { CachedLookup, CachedTenantStore } from '../../edge/tenant-store.ts';
import type { RequestCacheOutcome } from './load-result.ts';

/** Outcomes of the lookups of one request. */
export interface OutcomeContext {
  readonly outcomes: CacheOutcome[];
}

/** The recording store and the way to run a request in its own context. */
export interface CacheOutcomeRecorder {
  readonly store: CachedTenantStore;
  /** Runs `work` with a fresh context and returns its result and the request's cache outcome. */
  run<T>(work: () => Promise<T>): Promise<{ value: T; outcome: RequestCacheOutcome | undefined }>;
}

/** Severity order: a request that read the table at all is a miss, whatever its other lookups. */
const RANK: Record<CacheOutcome, number> = { hit: 0, negative: 1, stale: 2, miss: 3 };

/** The request-level outcome of its lookups: the most expensive one; undefined when none. */
export function requestOutcome(outcomes: readonly CacheOutcome[]): RequestCacheOutcome | undefined {
  let worst: CacheOutcome | undefined;
  for (const outcome of outcomes) if (worst === undefined || RANK[outcome] > RANK[worst]) worst = outcome;
  return worst;
}

/** Wraps a cached store so each lookup's outcome is recorded for the request in progress. */
export function createCacheOutcomeRecorder(inner: CachedTenantStore): CacheOutcomeRecorder {
  const context = new AsyncLocalStorage<OutcomeContext>();
  const note = async <T>(lookup: Promise<CachedLookup<T>>): Promise<CachedLookup<T>> => {
    try {
      const result = await lookup;
      context.getStore()?.outcomes.push(result.outcome);
      return result;
    } catch (error) {
      // A lookup that failed went to the table (or found a malformed item): it was a miss.
      context.getStore()?.outcomes.push('miss');
      throw error;
    }
  };
  // The router peeks again at fresh entries on every decision pass; recording a hit twice does not
  // change the request's outcome (the most expensive lookup).
  const noteNow = <T>(lookup: CachedLookup<T> | undefined): CachedLookup<T> | undefined => {
    if (lookup !== undefined) context.getStore()?.outcomes.push(lookup.outcome);
    return lookup;
  };
  const store: CachedTenantStore = {
    getDomain: (host) => note(inner.getDomain(host)),
    getTenant: (id) => note(inner.getTenant(id)),
    getRegions: () => note(inner.getRegions()),
    peekDomain: (host) => noteNow(inner.peekDomain(host)),
    peekTenant: (id) => noteNow(inner.peekTenant(id)),
    peekRegions: () => noteNow(inner.peekRegions()),
    get size() {
      return inner.size;
    },
    clear: () => inner.clear(),
  };
  return {
    store,
    async run(work) {
      const ctx: OutcomeContext = { outcomes: [] };
      const value = await context.run(ctx, work);
      return { value, outcome: requestOutcome(ctx.outcomes) };
    },
  };
}
