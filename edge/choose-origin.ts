/**
 * Tenant record + regions -> routing decision. Pure.
 */
import type { RouterConfig } from './config.ts';
import type { Origin, RegionsRecord, RouteDecision } from './model.ts';
import { isAllowedOrigin } from './origin-rules.ts';
import type { TenantRoute } from './tenant-store.ts';

/** Why a forward was refused, for the error log; absent when the decision is clean. */
export interface OriginChoice {
  readonly decision: RouteDecision;
  /** A configuration or data problem worth an error log line (the viewer gets a clean answer). */
  readonly problem?: string;
}

/**
 * Decides what to do with a request for a known tenant: status first (suspended 403, maintenance
 * 503), then the dedicated origin or the home region's pool; a draining home region sends the
 * tenant to its failover region (the tenant's own, else the region's) when that one is active.
 * Every origin is checked against the allowed suffixes.
 */
export function chooseOrigin(
  tenant: TenantRoute,
  regions: RegionsRecord | undefined,
  viewerHost: string,
  path: string,
  config: RouterConfig,
): OriginChoice {
  const tenantId = tenant.tenantId;
  if (tenant.status === 'suspended')
    return { decision: { kind: 'respond', status: 403, reason: 'suspended', tenantId } };
  if (tenant.status === 'maintenance') {
    return {
      decision: {
        kind: 'respond',
        status: 503,
        reason: 'maintenance',
        tenantId,
        retryAfter: config.retryAfterSeconds,
      },
    };
  }
  if (tenant.origin !== undefined) {
    return forwardIfAllowed(tenant, tenant.origin, 'dedicated', viewerHost, path, config);
  }
  if (regions === undefined) {
    return {
      decision: {
        kind: 'respond',
        status: 503,
        reason: 'no-regions',
        tenantId,
        retryAfter: config.retryAfterSeconds,
      },
      problem: 'the REGIONS item is missing',
    };
  }
  const home = regions.regions.get(tenant.region);
  const unreadable = home === undefined ? regions.malformed?.get(tenant.region) : undefined;
  if (unreadable !== undefined) {
    return {
      decision: { kind: 'respond', status: 502, reason: 'malformed-item', tenantId },
      problem: `the REGIONS entry of ${tenant.region} (home of ${tenantId}) is malformed: ${unreadable}`,
    };
  }
  if (home === undefined) {
    return {
      decision: { kind: 'respond', status: 502, reason: 'unknown-region', tenantId },
      problem: `tenant ${tenantId} lives in ${tenant.region}, which is not in the REGIONS item`,
    };
  }
  if (home.status === 'draining') {
    const failover = tenant.failoverRegion ?? home.failover;
    const target = failover === undefined ? undefined : regions.regions.get(failover);
    if (failover !== undefined && target !== undefined && target.status === 'active') {
      return forwardIfAllowed(tenant, target.origin, 'failover', viewerHost, path, config, failover);
    }
    // Nowhere healthy to go: serving from the draining region beats failing every request.
  }
  return forwardIfAllowed(tenant, home.origin, 'home', viewerHost, path, config);
}

function forwardIfAllowed(
  tenant: TenantRoute,
  origin: Origin,
  via: 'home' | 'dedicated' | 'failover',
  viewerHost: string,
  path: string,
  config: RouterConfig,
  region = tenant.region,
): OriginChoice {
  if (!isAllowedOrigin(origin, config.allowedOriginSuffixes)) {
    return {
      decision: { kind: 'respond', status: 502, reason: 'disallowed-origin', tenantId: tenant.tenantId },
      problem: `origin ${JSON.stringify(origin.domainName)} of tenant ${tenant.tenantId} is outside the allowed suffixes`,
    };
  }
  const decision: RouteDecision = {
    kind: 'forward',
    tenantId: tenant.tenantId,
    region,
    origin,
    viewerHost,
    path,
    via,
  };
  // The tenant's own secret goes only to its own custom origin; the platform's, to pool origins only.
  if (via === 'dedicated' && origin.type === 'custom' && tenant.originSecret !== undefined) {
    return { decision: { ...decision, tenantSecret: tenant.originSecret } };
  }
  return { decision };
}
