/**
 * The routing core: request -> decision, through the (cached) tenant store. No AWS imports, no
 * clock, no environment: the store and configuration come in as arguments.
 */
import { chooseOrigin } from './choose-origin.ts';
import type { RouterConfig } from './config.ts';
import { MalformedItemError } from './errors.ts';
import { HOST_MEMO_SIZE, type ParsedHost, parseHostHeader } from './host.ts';
import { domainKey, REGIONS_KEY, tenantKey } from './items.ts';
import type { CacheOutcome, RegionsRecord, RouteDecision, TenantId } from './model.ts';
import { isAllowedOrigin } from './origin-rules.ts';
import { isNormalPath, normaliseRequestPath } from './request-path.ts';
import type { RequestPath } from './resolve-tenant.ts';
import { platformTenantOf, tenantForPath, wildcardOf } from './resolve-tenant.ts';
import type {
  CachedLookup,
  CachedTenantStore,
  DomainRoute,
  ReadReport,
  TenantRoute,
} from './tenant-store.ts';

/** What the router needs from a viewer request. */
export interface EdgeRequest {
  /** Every Host header value as received (normally exactly one). */
  readonly hostValues: readonly string[] | undefined;
  /** The request path as the viewer sent it, without the query string (normalised by the router). */
  readonly uri: string;
}

/** Parses the Host header values (see {@link parseHostHeader}). */
export type HostParser = (values: readonly string[] | undefined) => ParsedHost;

/** Dependencies of {@link routeRequest}. */
export interface RouteDependencies {
  readonly store: CachedTenantStore;
  readonly config: RouterConfig;
  /** @default parseHostHeader with the configuration's options */
  readonly parseHost?: HostParser;
}

/** The decision and how it was reached. */
export interface RouteResult {
  readonly decision: RouteDecision;
  /** Cache outcome of each lookup made, in order. */
  readonly outcomes: CacheOutcome[];
  /** The canonical host, when the Host header was valid. */
  readonly host?: string;
  /** A data or infrastructure problem behind a 5xx decision, to be logged (never shown to viewers). */
  readonly error?: Error | string;
  /** How the records this request read from the table were read (replica, hedged), in order. */
  readonly reads?: readonly ReadReport[];
}

/** The record a decision pass stopped at: it has to be read before the pass can finish. */
type Missing =
  | { readonly missing: 'domain'; readonly host: string }
  | { readonly missing: 'tenant'; readonly tenantId: TenantId }
  | { readonly missing: 'regions' };

/**
 * The warm path: routes a request from fresh cache entries alone, with no await. Undefined when
 * some record must be read (or refreshed): then call {@link routeRequest}.
 */
export function routeFromCache(request: EdgeRequest, deps: RouteDependencies): RouteResult | undefined {
  const parsed = (deps.parseHost ?? defaultParser(deps.config))(request.hostValues);
  if (!parsed.ok) return badHost(parsed.reason);
  // One clock read for every freshness check of the request (a wall-clock read is ~40 ns here).
  const result = decide(request.uri, parsed, deps.config, deps.store, undefined, deps.store.now());
  return 'missing' in result ? undefined : result;
}

/**
 * Routes one request, reading through the cache what it must. Never throws for data or lookup
 * problems: a malformed item becomes a 502, a failed lookup a 503 with Retry-After, each with
 * `error` set for the log.
 *
 * @example
 * const { decision } = await routeRequest({ hostValues: ['shop.acme.com'], uri: '/' }, { store, config });
 */
export async function routeRequest(request: EdgeRequest, deps: RouteDependencies): Promise<RouteResult> {
  const { store, config } = deps;
  const parsed = (deps.parseHost ?? defaultParser(config))(request.hostValues);
  if (!parsed.ok) return badHost(parsed.reason);
  // Records read during this request, so a pass never asks twice (a stale answer is not in the cache).
  const read: ReadRecords = new Map();
  // Reads started ahead of the pass that needs them (they travel with an earlier one).
  const ahead: PendingReads = new Map();
  try {
    // Each pass either finishes or names one record not yet read; there are at most four.
    for (let pass = 0; pass <= 4; pass++) {
      const result = decide(request.uri, parsed, config, store, read, store.now());
      if (!('missing' in result)) return withReads(result, read);
      await readMissing(result, store, read, ahead);
    }
    throw new Error('routing did not converge'); // a bug: every pass reads a new record
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    // The lookup that failed went to the table too: it was a miss.
    const outcomes: CacheOutcome[] = [
      ...[...read.values()].flatMap((lookup) => (lookup === READING ? [] : [lookup.outcome])),
      'miss',
    ];
    if (cause instanceof MalformedItemError) {
      return {
        decision: { kind: 'respond', status: 502, reason: 'malformed-item' },
        outcomes,
        host: parsed.host,
        error: cause,
      };
    }
    return {
      decision: {
        kind: 'respond',
        status: 503,
        reason: 'lookup-failed',
        retryAfter: config.retryAfterSeconds,
      },
      outcomes,
      host: parsed.host,
      error: cause,
    };
  }
}

/**
 * A record this request is reading ahead: a pass must wait for it (and count it a miss), not take
 * the cache entry the read may already have filled.
 */
const READING = Symbol('reading');

/** Records read (or being read ahead) by the async path of one request, by item key. */
type ReadRecords = Map<string, CachedLookup<unknown> | typeof READING>;

/** Reads of one request started ahead of need, by item key. */
type PendingReads = Map<string, Promise<CachedLookup<unknown>>>;

/** `result` with how its records were read from the table, when the store told. */
function withReads(result: RouteResult, read: ReadRecords): RouteResult {
  const reads: ReadReport[] = [];
  for (const lookup of read.values()) {
    if (lookup !== READING && lookup.read !== undefined) reads.push(lookup.read);
  }
  return reads.length === 0 ? result : { ...result, reads };
}

/**
 * Reads the record a pass stopped at, and in the same turn the ones the next passes will need
 * and the cache does not hold fresh, so the store sends them together (one round trip instead of
 * one per record, docs/tenant-store.md#fewer-round-trips): with an exact host not known to have
 * its own item its one-level wildcard (read next when the exact item is absent), and the REGIONS
 * item (read next by a pool-routed tenant). A record read ahead that turns out not to be needed
 * costs a read, not time; a refresh of a host whose item exists reads no wildcard.
 */
async function readMissing(
  missing: Missing,
  store: CachedTenantStore,
  read: ReadRecords,
  ahead: PendingReads,
): Promise<void> {
  const key = missingKey(missing);
  const needed = ahead.get(key) ?? readRecord(missing, store);
  let wildcardAhead: Promise<CachedLookup<unknown>> | undefined;
  let wildcard: string | undefined;
  if (
    missing.missing === 'domain' &&
    !missing.host.startsWith('*.') &&
    store.knownDomain(missing.host) !== true
  ) {
    wildcard = wildcardOf(missing.host);
    if (wildcard !== undefined && store.peekDomain(wildcard) === undefined)
      wildcardAhead = readAhead({ missing: 'domain', host: wildcard }, store, read, ahead);
  }
  if (missing.missing !== 'regions' && store.peekRegions() === undefined)
    readAhead({ missing: 'regions' }, store, read, ahead);
  const result = await needed;
  read.set(key, result);
  // The host has its own item: the wildcard read beside it, when absent, is needed by no route.
  if (wildcardAhead !== undefined && wildcard !== undefined && result.value !== undefined)
    forgetAbsentWildcard(wildcardAhead, wildcard, store);
}

function forgetAbsentWildcard(
  pending: Promise<CachedLookup<unknown>>,
  wildcard: string,
  store: CachedTenantStore,
) {
  pending.then(
    (lookup) => {
      if (lookup.value === undefined) store.forgetAbsence(wildcard);
    },
    () => {},
  );
}

/** Starts reading `missing` ahead; the read, or undefined when this request already reads it. */
function readAhead(
  missing: Missing,
  store: CachedTenantStore,
  read: ReadRecords,
  ahead: PendingReads,
): Promise<CachedLookup<unknown>> | undefined {
  const key = missingKey(missing);
  if (read.has(key) || ahead.has(key)) return undefined;
  const pending = readRecord(missing, store);
  // Awaited by a later pass if it needs the record; its failure is that pass's to report.
  pending.catch(() => {});
  ahead.set(key, pending);
  read.set(key, READING);
  return pending;
}

function readRecord(missing: Missing, store: CachedTenantStore): Promise<CachedLookup<unknown>> {
  if (missing.missing === 'domain') return store.getDomain(missing.host);
  if (missing.missing === 'tenant') return store.getTenant(missing.tenantId);
  return store.getRegions();
}

function missingKey(missing: Missing): string {
  if (missing.missing === 'domain') return domainKey(missing.host);
  if (missing.missing === 'tenant') return tenantKey(missing.tenantId);
  return REGIONS_KEY;
}

// Module-level functions, not per-request closures: the warm path allocates as little as it can.
function peekDomain(store: CachedTenantStore, read: ReadRecords | undefined, host: string, now: number) {
  const known = read?.get(domainKey(host));
  return known === READING
    ? undefined
    : ((known as CachedLookup<DomainRoute> | undefined) ?? store.peekDomain(host, now));
}

function peekTenant(store: CachedTenantStore, read: ReadRecords | undefined, id: TenantId, now: number) {
  const known = read?.get(tenantKey(id));
  return known === READING
    ? undefined
    : ((known as CachedLookup<TenantRoute> | undefined) ?? store.peekTenant(id, now));
}

function peekRegions(store: CachedTenantStore, read: ReadRecords | undefined, now: number) {
  const known = read?.get(REGIONS_KEY);
  return known === READING
    ? undefined
    : ((known as CachedLookup<RegionsRecord> | undefined) ?? store.peekRegions(now));
}

/**
 * One synchronous decision pass over what is known without waiting: entries fresh at `now` (the
 * store's clock, read once per pass) and the records this request has read so far.
 */
function decide(
  uri: string,
  parsed: Extract<ParsedHost, { ok: true }>,
  config: RouterConfig,
  store: CachedTenantStore,
  read: ReadRecords | undefined,
  now: number,
): RouteResult | Missing {
  const host = parsed.host;
  const outcomes: CacheOutcome[] = [];
  // The path as read for a path split; read only where it decides something (docs/routing.md#path).
  let path: ReadPath | undefined;
  if (parsed.isIp) return withPath(unknownHost(host, uri, outcomes, config), uri, path, config);
  let tenantId = platformTenantFor(host, config);
  const byConvention = tenantId !== undefined;
  if (tenantId === undefined) {
    const exact = peekDomain(store, read, host, now);
    if (exact === undefined) return { missing: 'domain', host };
    outcomes.push(exact.outcome);
    let domain = exact.value;
    if (domain === undefined) {
      const wildcard = wildcardOf(host);
      if (wildcard !== undefined) {
        const found = peekDomain(store, read, wildcard, now);
        if (found === undefined) return { missing: 'domain', host: wildcard };
        outcomes.push(found.outcome);
        domain = found.value;
        // This host's route is the wildcard and the absence of its own item: keep that absence
        // with the found routes, out of reach of an unknown-host flood.
        if (domain !== undefined && exact.outcome !== 'hit') store.keepAbsence(host);
      }
    }
    if (domain?.paths !== undefined) {
      const reading = requestPath(uri, config);
      if (typeof reading === 'object' && 'refused' in reading) return badPath(host, reading.refused);
      path = reading;
      tenantId = tenantForPath(domain, typeof path === 'string' ? { path, matchPath: path } : path);
      if (tenantId === undefined) return badPath(host, 'path parameters make the path prefix ambiguous');
    } else if (domain !== undefined) tenantId = domain.tenantId;
  }
  if (tenantId === undefined) return withPath(unknownHost(host, uri, outcomes, config), uri, path, config);

  const tenant = peekTenant(store, read, tenantId, now);
  if (tenant === undefined) return { missing: 'tenant', tenantId };
  outcomes.push(tenant.outcome);
  // A platform subdomain of no tenant is an ordinary 404; a DOMAIN item naming a missing tenant is bad data.
  if (tenant.value === undefined)
    return withPath(unknownHost(host, uri, outcomes, config, tenantId, !byConvention), uri, path, config);

  let regions: RegionsRecord | undefined;
  if (tenant.value.origin === undefined && tenant.value.status === 'active') {
    const found = peekRegions(store, read, now);
    if (found === undefined) return { missing: 'regions' };
    outcomes.push(found.outcome);
    regions = found.value;
  }
  const choice = chooseOrigin(tenant.value, regions, host, uri, config);
  const result: RouteResult =
    choice.problem === undefined
      ? { decision: choice.decision, outcomes, host }
      : { decision: choice.decision, outcomes, host, error: choice.problem };
  return withPath(result, uri, path, config);
}

/**
 * A forward with the path the origin must get: the normalised path when the router read it (a
 * path split) or when the origin has an origin path (no path may climb out of it); else the path
 * as received, which the router decided nothing on and which has nothing to escape from. A path
 * that has no one reading where it matters is a 400.
 */
function withPath(
  result: RouteResult,
  uri: string,
  read: ReadPath | undefined,
  config: RouterConfig,
): RouteResult {
  const decision = result.decision;
  if (decision.kind !== 'forward' || (read === undefined && decision.origin.path === '')) return result;
  const normal = read ?? requestPath(uri, config);
  if (typeof normal === 'object' && 'refused' in normal) return badPath(decision.viewerHost, normal.refused);
  const path = typeof normal === 'string' ? normal : normal.path;
  return path === decision.path ? result : { ...result, decision: { ...decision, path } };
}

/** Platform-subdomain tenant per canonical host, remembered per configuration (bounded). */
const platformMemos = new WeakMap<RouterConfig, Map<string, TenantId | null>>();

function platformTenantFor(host: string, config: RouterConfig): TenantId | undefined {
  let memo = platformMemos.get(config);
  if (memo === undefined) {
    memo = new Map();
    platformMemos.set(config, memo);
  }
  let tenantId = memo.get(host);
  if (tenantId === undefined) {
    tenantId = platformTenantOf(host, config.platformDomains) ?? null;
    if (memo.size >= HOST_MEMO_SIZE) memo.clear();
    memo.set(host, tenantId);
  }
  return tenantId ?? undefined;
}

function badHost(reason: string): RouteResult {
  return { decision: { kind: 'respond', status: 400, reason: 'bad-host' }, outcomes: [], error: reason };
}

/** A path the router cannot give one reading (docs/routing.md#path): a 400, never a guess. */
/**
 * A request path as the router reads it: a string when it is already in normal form (its own
 * path and match path: the warm path allocates nothing for it), else the two readings.
 */
type ReadPath = string | RequestPath;

/** The request's path as the router reads it (`normaliseRequestPath`), or why it has no one reading. */
function requestPath(uri: string, config: RouterConfig): ReadPath | { readonly refused: string } {
  if (isNormalPath(uri)) return uri;
  const normal = normaliseRequestPath(uri, config);
  return normal.ok ? normal : { refused: normal.reason };
}

function badPath(host: string, reason: string): RouteResult {
  return {
    decision: { kind: 'respond', status: 400, reason: 'bad-path' },
    outcomes: [],
    host,
    error: reason,
  };
}

const defaultParsers = new WeakMap<RouterConfig, HostParser>();

function defaultParser(config: RouterConfig): HostParser {
  let parser = defaultParsers.get(config);
  if (parser === undefined) {
    parser = (values) => parseHostHeader(values, config);
    defaultParsers.set(config, parser);
  }
  return parser;
}

function unknownHost(
  host: string,
  path: string,
  outcomes: CacheOutcome[],
  config: RouterConfig,
  tenantId?: TenantId,
  danglingDomain = false,
): RouteResult {
  const policy = config.unknownHost;
  if (policy.action === 'forward' && isAllowedOrigin(policy.origin, config.allowedOriginSuffixes)) {
    const decision: RouteDecision = {
      kind: 'forward',
      tenantId: undefined,
      region: undefined,
      origin: policy.origin,
      viewerHost: host,
      path,
      via: 'fallback',
    };
    return { decision, outcomes, host };
  }
  const reason = tenantId === undefined ? 'unknown-host' : 'unknown-tenant';
  const result: RouteResult = { decision: { kind: 'respond', status: 404, reason }, outcomes, host };
  return danglingDomain
    ? { ...result, error: `domain ${host} points at missing tenant ${tenantId}` }
    : result;
}
