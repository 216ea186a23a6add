/**
 * The seams between the routing core and its data: a {@link TenantStore} reads validated records,
 * a {@link CachedTenantStore} puts the in-memory cache in front of one.
 */
import type { CacheOutcome, DomainRecord, Region, RegionsRecord, TenantId, TenantRecord } from './model.ts';

/** Wall-clock milliseconds since the epoch. Injectable so tests control time. */
export type Clock = () => number;

/** How a record was read from the table: for the decision log. */
export interface ReadReport {
  /** The replica whose answer was used. */
  readonly region: Region;
  /** A hedged read was sent for it (the first replica was slower than its hedge delay). */
  readonly hedged: boolean;
}

/** Receives the {@link ReadReport} of a read, before the read resolves. */
export type ReadObserver = (report: ReadReport) => void;

/**
 * Reads router records. `undefined` means "no such item". Implementations validate every item and
 * throw {@link MalformedItemError} for a bad one and {@link LookupFailedError} when no replica answers.
 * A store that reads replicas tells `observe` how (the DynamoDB store); others may ignore it.
 */
export interface TenantStore {
  getDomain(host: string, observe?: ReadObserver): Promise<DomainRecord | undefined>;
  getTenant(tenantId: TenantId, observe?: ReadObserver): Promise<TenantRecord | undefined>;
  getRegions(observe?: ReadObserver): Promise<RegionsRecord | undefined>;
}

/** What the router reads of a domain record: the route cache holds only this. */
export type DomainRoute = Pick<DomainRecord, 'tenantId' | 'paths'>;

/** What the router reads of a tenant record: the route cache holds only this. */
export type TenantRoute = Pick<
  TenantRecord,
  'tenantId' | 'region' | 'status' | 'origin' | 'failoverRegion' | 'originSecret'
>;

/** Entries held per budget (see `createCachedTenantStore`). */
export interface CacheSizes {
  readonly tenants: number;
  readonly domains: number;
  readonly absences: number;
  readonly regions: number;
}

/** A looked-up value and how the cache served it. `value` is undefined for a (cached) absence. */
export interface CachedLookup<T> {
  readonly value: T | undefined;
  readonly outcome: CacheOutcome;
  /** For a `miss`: how the store read it, when the store tells. */
  readonly read?: ReadReport;
}

/**
 * A {@link TenantStore} behind the route cache: same reads, each reporting its cache outcome, plus
 * synchronous `peek*` reads of fresh entries so a request whose every lookup hits never awaits.
 */
export interface CachedTenantStore {
  getDomain(host: string): Promise<CachedLookup<DomainRoute>>;
  getTenant(tenantId: TenantId): Promise<CachedLookup<TenantRoute>>;
  getRegions(): Promise<CachedLookup<RegionsRecord>>;
  /**
   * The store's clock, as its freshness checks read it: a request reads it once and passes it to
   * each peek, instead of one wall-clock read per peek.
   */
  now(): number;
  /**
   * The cached answer fresh at `now` (`hit` or `negative`), or undefined when a read would be
   * needed. @default now the store's clock read for this call
   */
  peekDomain(host: string, now?: number): CachedLookup<DomainRoute> | undefined;
  /** As {@link peekDomain}, for a tenant. */
  peekTenant(tenantId: TenantId, now?: number): CachedLookup<TenantRoute> | undefined;
  /** As {@link peekDomain}, for the REGIONS item. */
  peekRegions(now?: number): CachedLookup<RegionsRecord> | undefined;
  /**
   * Whether the last answer held for `host`, fresh or expired, found its DOMAIN item (false: it
   * found none); undefined when none is held. Lets a refresh skip reading the wildcard ahead.
   */
  knownDomain(host: string): boolean | undefined;
  /**
   * The absence of `host`'s own DOMAIN item is part of a found route (the host is served by its
   * wildcard): keep it with the found routes, where unknown hosts cannot evict it.
   */
  keepAbsence(host: string): void;
  /**
   * An absence read ahead that no route needs (the wildcard of a host found by its own item):
   * dropped from the absences, so a cached custom domain holds no slot or memory for it.
   */
  forgetAbsence(host: string): void;
  /** Number of entries held (for the status endpoint and the heap benchmark). */
  readonly size: number;
  /** Entries held per budget. */
  readonly sizes: CacheSizes;
  /** Drops every entry. */
  clear(): void;
}

/** Wraps a store without caching (admin tools, `resolve`): every read is a `miss`. */
export function uncachedTenantStore(store: TenantStore): CachedTenantStore {
  const miss = <T>(value: T | undefined): CachedLookup<T> => ({ value, outcome: 'miss' });
  return {
    getDomain: async (host) => miss(await store.getDomain(host)),
    getTenant: async (id) => miss(await store.getTenant(id)),
    getRegions: async () => miss(await store.getRegions()),
    now: () => 0,
    peekDomain: () => undefined,
    peekTenant: () => undefined,
    peekRegions: () => undefined,
    knownDomain: () => undefined,
    keepAbsence() {},
    forgetAbsence() {},
    size: 0,
    sizes: { tenants: 0, domains: 0, absences: 0, regions: 0 },
    clear() {},
  };
}
