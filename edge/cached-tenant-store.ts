/**
 * The in-memory route cache in front of a {@link TenantStore}: positive and negative TTLs, a size
 * bound, one store read for concurrent misses of a key, and stale-if-error up to a max-stale bound.
 * See docs/tenant-store.md for the semantics and the staleness bound.
 */
import { LRUCache } from 'lru-cache';
import type { CacheConfig } from './config.ts';
import { ConfigError, MalformedItemError } from './errors.ts';
import { ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS } from './lambda-edge-limits.ts';
import type { RegionsRecord, TenantId } from './model.ts';
import { slimDomain, slimTenant } from './route-records.ts';
import type {
  CachedLookup,
  CachedTenantStore,
  Clock,
  DomainRoute,
  ReadObserver,
  ReadReport,
  TenantRoute,
  TenantStore,
} from './tenant-store.ts';

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

/**
 * One cached answer, handed out as the warm path's `CachedLookup` itself (frozen: a hit allocates
 * nothing). `value` undefined is a remembered absence. Three small fields per entry, as one is held
 * per cached record: times are milliseconds since the cache's epoch (its creation), small integers
 * V8 keeps unboxed, where epoch milliseconds would each take a 16-byte heap number; `retryAt`
 * exists only on the entries of a failed refresh ({@link FailedEntry}).
 */
class Entry implements CachedLookup<unknown> {
  readonly outcome: 'hit' | 'negative';

  constructor(
    readonly value: unknown,
    /** Fresh while `now < expiresAt`; may be served stale while `now <= expiresAt + maxStaleMs`. */
    readonly expiresAt: number,
  ) {
    this.outcome = value === undefined ? 'negative' : 'hit';
  }

  /** After a failed refresh: served stale without a store read while `now < retryAt`. */
  get retryAt(): number {
    return 0;
  }
}

/** An entry whose refresh failed: served stale without a store read until `retryAt`. */
class FailedEntry extends Entry {
  readonly #retryAt: number;

  constructor(entry: Entry, retryAt: number) {
    super(entry.value, entry.expiresAt);
    this.#retryAt = retryAt;
  }

  override get retryAt(): number {
    return this.#retryAt;
  }
}

type Read<A> = (arg: A, observe: ReadObserver) => Promise<unknown>;

/** A store read in progress, shared by every request for its key. */
interface Flight {
  readonly promise: Promise<Entry>;
  readonly startedAt: number;
  /** How the store read it, once it has (each request the read answers reports it). */
  readonly report: { read?: ReadReport };
  /** A request waited `refreshWaitMs` for it in vain: later ones are served stale at once. */
  slow: boolean;
}

/**
 * A read older than this (wall clock) is not joined: no lookup can last longer than an
 * origin-request invocation, so it was frozen with the container after its request was served
 * stale, and its deadline has passed. Joining it would fail a request that a new read can answer.
 */
const ABANDONED_FLIGHT_MS = ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS;

const BUDGET_SPENT: unique symbol = Symbol('budget spent');

/** What a cached record is: which budget holds it, and how it is slimmed. */
type Kind = 'domain' | 'tenant' | 'regions';

/** The budgets of {@link createCachedTenantStore}, derived from `cache.maxTenants` / `maxAbsences`. */
interface Budgets {
  /** Found tenant records: `maxTenants`. */
  readonly tenants: LRUCache<string, Entry>;
  /**
   * Found domain records, and the absences a found route depends on (the exact-host absence of a
   * host served by its wildcard): `maxTenants`, one custom domain per tenant.
   */
  readonly domains: LRUCache<string, Entry>;
  /** Every other absence (unknown hosts and tenants): `maxAbsences`; never evicts a found route. */
  readonly absences: LRUCache<string, Entry>;
}

/**
 * Puts an lru-cache in front of `store`.
 *
 * - A fresh entry is a `hit` (or `negative` for a remembered absence): a map lookup and a
 *   comparison with the clock (read once per request by the router, `now()`), no store call;
 *   `peek*` answer it synchronously with no allocation.
 * - A missing or expired entry is read from the store (`miss`); concurrent requests for one key
 *   share that read.
 * - When the read fails (`LookupFailedError` or any other infrastructure error), the expired entry
 *   is served (`stale`) if it expired at most `cache.maxStaleMs` ago; otherwise the error is
 *   rethrown. Absences are served stale too: a custom domain routed by its wildcard item has a
 *   negative exact-host entry, and failing that lookup would take the domain down.
 * - A `MalformedItemError` is never cached and never masked: the entry is dropped and the error
 *   rethrown, so a bad write is answered 502 at once and visibly rather than hidden behind the last
 *   good value for up to max-stale and then failing at a less obvious moment.
 * - Budgets: found tenants and found domains each up to `cache.maxTenants`, the REGIONS record in
 *   a slot of its own, and absences up to `cache.maxAbsences` apart, so no number of unknown hosts
 *   can evict a found route (or REGIONS) that stale-if-error may need in an outage.
 * - Records are cached slimmed to what the router reads ({@link TenantRoute}, {@link DomainRoute}).
 *
 * @example
 * const cached = createCachedTenantStore(store, { cache: config.cache });
 * const { value, outcome } = await cached.getTenant(tenantId);
 */
export function createCachedTenantStore(
  store: TenantStore,
  options: CachedTenantStoreOptions,
): CachedTenantStore {
  const { ttlMs, negativeTtlMs, maxStaleMs, maxTenants, maxAbsences, errorBackoffMs } = options.cache;
  const wallClock = options.clock ?? Date.now;
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
  for (const [name, value] of Object.entries({ maxTenants, maxAbsences })) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new ConfigError(`cached tenant store: ${name} must be an integer >= 1, got ${value}`);
    }
  }
  const epoch = wallClock();
  /** Milliseconds since the cache's epoch: what entry times are kept in. */
  const clock = () => wallClock() - epoch;
  // No TTL inside lru-cache: it would time entries on performance.now() unless given `perf`, and
  // it would drop expired entries that stale-if-error still needs. Expiry is checked here instead;
  // the caches only bound the number of entries (least recently used goes first).
  const budgets: Budgets = {
    tenants: new LRUCache<string, Entry>({ max: maxTenants }),
    domains: new LRUCache<string, Entry>({ max: maxTenants }),
    absences: new LRUCache<string, Entry>({ max: maxAbsences }),
  };
  // One record, read by every pool-routed request: never in a budget anything could evict it from.
  let regionsEntry: Entry | undefined;
  const inflight = new Map<string, Flight>();
  // Bumped by clear(): a read that started before must not refill the cache afterwards.
  let generation = 0;

  const readDomain: Read<string> = async (host, observe) => slimDomain(await store.getDomain(host, observe));
  const readTenant: Read<TenantId> = async (id, observe) =>
    slimTenant(await store.getTenant(id, observe), id);
  const readRegions: Read<undefined> = (_, observe) => store.getRegions(observe);

  function foundBudget(kind: Kind): LRUCache<string, Entry> | undefined {
    return kind === 'domain' ? budgets.domains : kind === 'tenant' ? budgets.tenants : undefined;
  }

  /** The entry of `key`, without counting a use (`peek`) or counting one (`get`). */
  function current(kind: Kind, key: string, use: boolean): Entry | undefined {
    if (kind === 'regions') return regionsEntry;
    const found = foundBudget(kind) as LRUCache<string, Entry>;
    const entry = use ? found.get(key) : found.peek(key);
    if (entry !== undefined) return entry;
    return use ? budgets.absences.get(key) : budgets.absences.peek(key);
  }

  /**
   * Stores `entry` in its budget: a found record with the found routes of its kind, an absence
   * with the absences unless it already sits with the found routes (one a route depends on).
   */
  function put(kind: Kind, key: string, entry: Entry): void {
    if (kind === 'regions') {
      regionsEntry = entry;
      return;
    }
    const found = foundBudget(kind) as LRUCache<string, Entry>;
    if (entry.value !== undefined || found.has(key)) {
      found.set(key, entry);
      budgets.absences.delete(key);
    } else budgets.absences.set(key, entry);
  }

  function drop(kind: Kind, key: string): void {
    if (kind === 'regions') regionsEntry = undefined;
    else {
      foundBudget(kind)?.delete(key);
      budgets.absences.delete(key);
    }
  }

  function makeEntry(value: unknown, fetchedAt: number): Entry {
    const absent = value === undefined;
    // TTL counts from when the read started: the value is at least that old.
    const expiresAt = fetchedAt + (absent ? negativeTtlMs : ttlMs);
    return Object.freeze(new Entry(value, expiresAt));
  }

  async function fetchEntry<A>(
    kind: Kind,
    key: string,
    read: Read<A>,
    arg: A,
    gen: number,
    fetchedAt: number,
    observe: ReadObserver,
  ): Promise<Entry> {
    try {
      const entry = makeEntry(await read(arg, observe), fetchedAt);
      // peek, not get: storing must not count as a use. A read that started earlier than the one
      // that filled the entry (an abandoned flight) must not replace its newer answer.
      const existing = current(kind, key, false);
      if (gen === generation && (existing === undefined || existing.expiresAt <= entry.expiresAt)) {
        put(kind, key, entry);
      }
      return entry;
    } catch (error) {
      if (error instanceof MalformedItemError && gen === generation) drop(kind, key);
      throw error;
    }
  }

  function startFetch<A>(kind: Kind, key: string, read: Read<A>, arg: A, now: number): Flight {
    const report: Flight['report'] = {};
    const flight: Flight = {
      promise: fetchEntry(kind, key, read, arg, generation, now, (read) => {
        report.read = read;
      }),
      startedAt: now,
      report,
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

  function joinOrStartFetch<A>(kind: Kind, key: string, read: Read<A>, arg: A, now: number): Flight {
    const flying = inflight.get(key);
    if (flying !== undefined && now - flying.startedAt <= ABANDONED_FLIGHT_MS) return flying;
    return startFetch(kind, key, read, arg, now);
  }

  function stale(entry: Entry): CachedLookup<unknown> {
    return { value: entry.value, outcome: 'stale' };
  }

  async function refresh<A>(
    kind: Kind,
    key: string,
    read: Read<A>,
    arg: A,
    expired: Entry | undefined,
    now: number,
  ): Promise<CachedLookup<unknown>> {
    const canServeStale = expired !== undefined && now <= expired.expiresAt + maxStaleMs;
    if (canServeStale && now < expired.retryAt) return stale(expired);
    const flight = joinOrStartFetch(kind, key, read, arg, now);
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
      const how = flight.report.read;
      return how === undefined
        ? { value: (result as Entry).value, outcome: 'miss' }
        : { value: (result as Entry).value, outcome: 'miss', read: how };
    } catch (error) {
      if (error instanceof MalformedItemError || expired === undefined) throw error;
      const failedAt = clock();
      if (failedAt > expired.expiresAt + maxStaleMs) {
        if (current(kind, key, false) === expired) drop(kind, key);
        throw error;
      }
      if (current(kind, key, false) === expired) {
        put(kind, key, Object.freeze(new FailedEntry(expired, failedAt + errorBackoffMs)));
      }
      return stale(expired);
    }
  }

  // The router's warm path uses peek(); a hit here (a caller that did not peek first) is rare.
  function lookup<A>(kind: Kind, key: string, read: Read<A>, arg: A): Promise<CachedLookup<unknown>> {
    const entry = current(kind, key, true);
    const now = clock();
    if (entry !== undefined && now < entry.expiresAt) return Promise.resolve(entry);
    return refresh(kind, key, read, arg, entry, now);
  }

  // The warm path's peeks, one per kind: a found route is one map lookup, an absence two.
  function fresh(entry: Entry | undefined, now: number | undefined): CachedLookup<unknown> | undefined {
    return entry !== undefined && (now ?? clock()) < entry.expiresAt ? entry : undefined;
  }

  return {
    getDomain(host) {
      return lookup('domain', host, readDomain, host) as Promise<CachedLookup<DomainRoute>>;
    },
    getTenant(tenantId) {
      return lookup('tenant', tenantId, readTenant, tenantId) as Promise<CachedLookup<TenantRoute>>;
    },
    getRegions() {
      return lookup('regions', '', readRegions, undefined) as Promise<CachedLookup<RegionsRecord>>;
    },
    now: clock,
    peekDomain(host, now) {
      return fresh(budgets.domains.get(host) ?? budgets.absences.get(host), now) as
        | CachedLookup<DomainRoute>
        | undefined;
    },
    peekTenant(tenantId, now) {
      return fresh(budgets.tenants.get(tenantId) ?? budgets.absences.get(tenantId), now) as
        | CachedLookup<TenantRoute>
        | undefined;
    },
    peekRegions(now) {
      return fresh(regionsEntry, now) as CachedLookup<RegionsRecord> | undefined;
    },
    knownDomain(host) {
      const entry = budgets.domains.peek(host) ?? budgets.absences.peek(host);
      return entry === undefined ? undefined : entry.value !== undefined;
    },
    keepAbsence(host) {
      // Moved, not copied: an absence lives in one budget at a time.
      const entry = budgets.absences.peek(host);
      if (entry === undefined) return;
      budgets.absences.delete(host);
      budgets.domains.set(host, entry);
    },
    forgetAbsence(host) {
      // Only the absences budget: an absence a found route depends on stays where keepAbsence put it.
      budgets.absences.delete(host);
    },
    get size() {
      return budgets.tenants.size + budgets.domains.size + budgets.absences.size + (regionsEntry ? 1 : 0);
    },
    get sizes() {
      return {
        tenants: budgets.tenants.size,
        domains: budgets.domains.size,
        absences: budgets.absences.size,
        regions: regionsEntry === undefined ? 0 : 1,
      };
    },
    clear() {
      generation++;
      budgets.tenants.clear();
      budgets.domains.clear();
      budgets.absences.clear();
      regionsEntry = undefined;
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
