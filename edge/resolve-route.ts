/**
 * The routing core: request -> decision, through the (cached) tenant store. No AWS imports, no
 * clock, no environment: the store and configuration come in as arguments.
 */
import { chooseOrigin } from './choose-origin.ts';
import type { RouterConfig } from './config.ts';
import { MalformedItemError } from './errors.ts';
import { parseHostHeader } from './host.ts';
import type { CacheOutcome, RouteDecision, TenantId } from './model.ts';
import { isAllowedOriginDomain } from './origin-rules.ts';
import { platformTenantOf, tenantForPath, wildcardOf } from './resolve-tenant.ts';
import type { CachedTenantStore } from './tenant-store.ts';

/** What the router needs from a viewer request. */
export interface EdgeRequest {
  /** Every Host header value as received (normally exactly one). */
  readonly hostValues: readonly string[] | undefined;
  /** The request path, without the query string. */
  readonly uri: string;
}

/** Dependencies of {@link routeRequest}. */
export interface RouteDependencies {
  readonly store: CachedTenantStore;
  readonly config: RouterConfig;
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
}

/**
 * Routes one request. Never throws for data or lookup problems: a malformed item becomes a 502, a
 * failed lookup a 503 with Retry-After, each with `error` set for the log.
 *
 * @example
 * const { decision } = await routeRequest({ hostValues: ['shop.acme.com'], uri: '/' }, { store, config });
 */
export async function routeRequest(request: EdgeRequest, deps: RouteDependencies): Promise<RouteResult> {
  const { store, config } = deps;
  const parsed = parseHostHeader(request.hostValues, config);
  if (!parsed.ok) {
    return {
      decision: { kind: 'respond', status: 400, reason: 'bad-host' },
      outcomes: [],
      error: parsed.reason,
    };
  }
  const host = parsed.host;
  const outcomes: CacheOutcome[] = [];
  try {
    let tenantId: TenantId | undefined = parsed.isIp
      ? undefined
      : platformTenantOf(host, config.platformDomains);
    const byConvention = tenantId !== undefined;
    if (tenantId === undefined && !parsed.isIp) {
      const exact = await store.getDomain(host);
      outcomes.push(exact.outcome);
      let domain = exact.value;
      if (domain === undefined) {
        const wildcard = wildcardOf(host);
        if (wildcard !== undefined) {
          const found = await store.getDomain(wildcard);
          outcomes.push(found.outcome);
          domain = found.value;
        }
      }
      if (domain !== undefined) tenantId = tenantForPath(domain, request.uri);
    }
    if (tenantId === undefined) return unknownHost(host, outcomes, config);

    const tenant = await store.getTenant(tenantId);
    outcomes.push(tenant.outcome);
    // A platform subdomain of no tenant is an ordinary 404; a DOMAIN item naming a missing tenant is bad data.
    if (tenant.value === undefined) return unknownHost(host, outcomes, config, tenantId, !byConvention);

    let regions: Awaited<ReturnType<CachedTenantStore['getRegions']>> | undefined;
    if (tenant.value.origin === undefined && tenant.value.status === 'active') {
      regions = await store.getRegions();
      outcomes.push(regions.outcome);
    }
    const choice = chooseOrigin(tenant.value, regions?.value, host, config);
    return choice.problem === undefined
      ? { decision: choice.decision, outcomes, host }
      : { decision: choice.decision, outcomes, host, error: choice.problem };
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    if (cause instanceof MalformedItemError) {
      return {
        decision: { kind: 'respond', status: 502, reason: 'malformed-item' },
        outcomes,
        host,
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
      host,
      error: cause,
    };
  }
}

function unknownHost(
  host: string,
  outcomes: CacheOutcome[],
  config: RouterConfig,
  tenantId?: TenantId,
  danglingDomain = false,
): RouteResult {
  const policy = config.unknownHost;
  if (
    policy.action === 'forward' &&
    isAllowedOriginDomain(policy.origin.domainName, config.allowedOriginSuffixes)
  ) {
    const decision: RouteDecision = {
      kind: 'forward',
      tenantId: undefined,
      region: undefined,
      origin: policy.origin,
      viewerHost: host,
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
