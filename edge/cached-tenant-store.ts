/**
 * The in-memory route cache in front of a {@link TenantStore}: positive and negative TTLs, a size
 * bound, one store read for concurrent misses of a key, and stale-if-error up to a max-stale bound.
 * See docs/tenant-store.md for the semantics and the staleness bound.
 */
import { LRUCache } from 'lru-cache';
import type { CacheConfig } from './config.ts';
import { ConfigError, MalformedItemError } from './errors.ts';
import { ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS } from './lambda-edge-limits.ts';
import type { DomainRecord, RegionsRecord, TenantRecord } from './model.ts';
import type { CachedLookup, CachedTenantStore, Clock, TenantStore } from './tenant-store.ts';

/** Options of {@link createCachedTenantStore}. */
export interface CachedTenantStoreOptions {
  /**
   * TTLs, max-stale, size bound, and the error backoff: after a refresh failed and the entry was
   * served stale, how long further requests for it are served stale at once without asking the
   * store (without it, every request during an outage would wait the store's whole budget).
   */
  readonly cache: CacheConfig;
  /**
   * Wall clock for TTLs. Not `performance.now()`: a Lambda container is frozen between
   * invocations and a monotonic clock may not advance while frozen, which would keep entries
   * "fresh" for hours. @default Date.now
   */
  readonly clock?: Clock;
  /**
   * How long a request waits for the refresh of an expired entry that can still be served stale
   * before it is served stale instead; the refresh carries on and updates the entry. Unset, the
   * request waits for the store (whose own budget bounds the wait). @default undefined
   */
  readonly refreshWaitMs?: number;
}

/** One cached answer. `value` undefined is a remembered absence. */
interface Entry {
  readonly value: unknown;
  /** Fresh while `clock() < expiresAt`. */
  readonly expiresAt: number;
  /** May be served when a refresh fails while `clock() <= staleUntil`. */
  readonly staleUntil: number;
  /** After a failed refresh: served stale without a store read while `clock() < retryAt`. */
  readonly retryAt: number;
  /** The warm-path answer (`peek*`), built once so a hit allocates nothing. */
  readonly answer: CachedLookup<unknown>;
}

type Read<A> = (arg: A) => Promise<unknown>;

/** A store read in progress, shared by every request for its key. */
interface Flight {
  readonly promise: Promise<Entry>;
  readonly startedAt: number;
  /** A request waited `refreshWaitMs` for it in vain: later ones are served stale at once. */
  slow: boolean;
}

/**
 * A read older than this (wall clock) is not joined: no lookup can last longer than an
 * origin-request invocation, so it was frozen with the container after its request was served
 * stale, and its deadline has passed. Joining it would fail a request that a new read can answer.
 */
const ABANDONED_FLIGHT_MS = ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS;

/**
 * Cache keys are the lookup arguments themselves, not the item keys: host names always contain a
 * dot, tenant ids never do, and this key is upper case, so the three cannot collide. The warm path
 * then hashes the same string instances every time (V8 caches a string's hash in the string)
 * instead of building `TENANT#...` strings per request.
 */
const REGIONS_CACHE_KEY = 'REGIONS';

const BUDGET_SPENT: unique symbol = Symbol('budget spent');

/**
 * Puts an lru-cache in front of `store`.
 *
 * - A fresh entry is a `hit` (or `negative` for a remembered absence): a map lookup and one clock
 *   read, no store call; `peek*` answer it synchronously with no allocation.
 * - A missing or expired entry is read from the store (`miss`); concurrent requests for one key
 *   share that read.
 * - When the read fails (`LookupFailedError` or any other infrastructure error), the expired entry
 *   is served (`stale`) if it expired at most `cache.maxStaleMs` ago; otherwise the error is
 *   rethrown. Absences are served stale too: a custom domain routed by its wildcard item has a
 *   negative exact-host entry, and failing that lookup would take the domain down.
 * - A `MalformedItemError` is never cached and never masked: the entry is dropped and the error
 *   rethrown, so a bad write is answered 502 at once and visibly rather than hidden behind the last
 *   good value for up to max-stale and then failing at a less obvious moment.
 *
 * @example
 * const cached = createCachedTenantStore(store, { cache: config.cache });
 * const { value, outcome } = await cached.getTenant(tenantId);
 */
export function createCachedTenantStore(
  store: TenantStore,
  options: CachedTenantStoreOptions,
): CachedTenantStore {
  const { ttlMs, negativeTtlMs, maxStaleMs, maxEntries, errorBackoffMs } = options.cache;
  const clock = options.clock ?? Date.now;
  const { refreshWaitMs } = options;
  for (const [name, value] of Object.entries({
    ttlMs,
    negativeTtlMs,
    maxStaleMs,
    refreshWaitMs,
    errorBackoffMs,
  })) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new ConfigError(`cached tenant store: ${name} must be a finite number >= 0, got ${value}`);
    }
  }
  if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) {
    throw new ConfigError(`cached tenant store: maxEntries must be an integer >= 1, got ${maxEntries}`);
  }
  // No TTL inside lru-cache: it would time entries on performance.now() unless given `perf`, and
  // it would drop expired entries that stale-if-error still needs. Expiry is checked here instead;
  // the cache only bounds the number of entries (least recently used goes first).
  const cache = new LRUCache<string, Entry>({ max: maxEntries });
  const inflight = new Map<string, Flight>();
  // Bumped by clear(): a read that started before must not refill the cache afterwards.
  let generation = 0;

  const readDomain: Read<string> = (host) => store.getDomain(host);
  const readTenant: Read<TenantRecord['tenantId']> = (id) => store.getTenant(id);
  const readRegions: Read<undefined> = () => store.getRegions();

  function makeEntry(value: unknown, fetchedAt: number): Entry {
    const absent = value === undefined;
    // TTL counts from when the read started: the value is at least that old.
    const expiresAt = fetchedAt + (absent ? negativeTtlMs : ttlMs);
    const answer: CachedLookup<unknown> = Object.freeze({ value, outcome: absent ? 'negative' : 'hit' });
    return {
      value,
      expiresAt,
      staleUntil: expiresAt + maxStaleMs,
      retryAt: 0,
      answer,
    };
  }

  async function fetchEntry<A>(
    key: string,
    read: Read<A>,
    arg: A,
    gen: number,
    fetchedAt: number,
  ): Promise<Entry> {
    try {
      const entry = makeEntry(await read(arg), fetchedAt);
      // peek, not get: storing must not count as a use. A read that started earlier than the one
      // that filled the entry (an abandoned flight) must not replace its newer answer.
      const current = cache.peek(key);
      if (gen === generation && (current === undefined || current.expiresAt <= entry.expiresAt)) {
        cache.set(key, entry);
      }
      return entry;
    } catch (error) {
      if (error instanceof MalformedItemError && gen === generation) cache.delete(key);
      throw error;
    }
  }

  function startFetch<A>(key: string, read: Read<A>, arg: A, now: number): Flight {
    const flight: Flight = {
      promise: fetchEntry(key, read, arg, generation, now),
      startedAt: now,
      slow: false,
    };
    inflight.set(key, flight);
    // Handles rejection too, so a failed read nobody awaits any more is not an unhandled rejection.
    const done = () => {
      if (inflight.get(key) === flight) inflight.delete(key);
    };
    flight.promise.then(done, done);
    return flight;
  }

  function joinOrStartFetch<A>(key: string, read: Read<A>, arg: A, now: number): Flight {
    const current = inflight.get(key);
    if (current !== undefined && now - current.startedAt <= ABANDONED_FLIGHT_MS) return current;
    return startFetch(key, read, arg, now);
  }

  function stale(entry: Entry): CachedLookup<unknown> {
    return { value: entry.value, outcome: 'stale' };
  }

  async function refresh<A>(
    key: string,
    read: Read<A>,
    arg: A,
    expired: Entry | undefined,
    now: number,
  ): Promise<CachedLookup<unknown>> {
    const canServeStale = expired !== undefined && now <= expired.staleUntil;
    if (canServeStale && now < expired.retryAt) return stale(expired);
    const flight = joinOrStartFetch(key, read, arg, now);
    if (canServeStale && flight.slow) return stale(expired);
    try {
      const result =
        canServeStale && refreshWaitMs !== undefined
          ? await withinBudget(flight.promise, refreshWaitMs)
          : await flight.promise;
      if (result === BUDGET_SPENT) {
        flight.slow = true;
        if (expired !== undefined) return stale(expired);
      }
      return { value: (result as Entry).value, outcome: 'miss' };
    } catch (error) {
      if (error instanceof MalformedItemError || expired === undefined) throw error;
      const failedAt = clock();
      if (failedAt > expired.staleUntil) {
        if (cache.peek(key) === expired) cache.delete(key);
        throw error;
      }
      if (cache.peek(key) === expired) cache.set(key, { ...expired, retryAt: failedAt + errorBackoffMs });
      return stale(expired);
    }
  }

  // The router's warm path uses peek(); a hit here (a caller that did not peek first) is rare.
  function lookup<A>(key: string, read: Read<A>, arg: A): Promise<CachedLookup<unknown>> {
    const entry = cache.get(key);
    const now = clock();
    if (entry !== undefined && now < entry.expiresAt) return Promise.resolve(entry.answer);
    return refresh(key, read, arg, entry, now);
  }

  function peek(key: string): CachedLookup<unknown> | undefined {
    const entry = cache.get(key);
    return entry !== undefined && clock() < entry.expiresAt ? entry.answer : undefined;
  }

  return {
    getDomain(host) {
      return lookup(host, readDomain, host) as Promise<CachedLookup<DomainRecord>>;
    },
    getTenant(tenantId) {
      return lookup(tenantId, readTenant, tenantId) as Promise<CachedLookup<TenantRecord>>;
    },
    getRegions() {
      return lookup(REGIONS_CACHE_KEY, readRegions, undefined) as Promise<CachedLookup<RegionsRecord>>;
    },
    peekDomain(host) {
      return peek(host) as CachedLookup<DomainRecord> | undefined;
    },
    peekTenant(tenantId) {
      return peek(tenantId) as CachedLookup<TenantRecord> | undefined;
    },
    peekRegions() {
      return peek(REGIONS_CACHE_KEY) as CachedLookup<RegionsRecord> | undefined;
    },
    get size() {
      return cache.size;
    },
    clear() {
      generation++;
      cache.clear();
      inflight.clear();
    },
  };
}

/** Settles like `flight`, or with {@link BUDGET_SPENT} if `flight` takes longer than `ms`. */
function withinBudget<T>(flight: Promise<T>, ms: number): Promise<T | typeof BUDGET_SPENT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(BUDGET_SPENT), ms);
    flight.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
