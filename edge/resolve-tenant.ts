/**
 * Host -> tenant resolution rules. Pure.
 */
import { asTenantId, type TenantId } from './model.ts';
import type { DomainRoute } from './tenant-store.ts';

/**
 * The tenant of a platform subdomain (`acme.app.example.com` -> `acme`), by convention; undefined
 * when the host is not exactly one label under a platform domain or the label is not a tenant id.
 */
export function platformTenantOf(host: string, platformDomains: readonly string[]): TenantId | undefined {
  for (const domain of platformDomains) {
    const labelLength = host.length - domain.length - 1;
    if (labelLength > 0 && host.endsWith(domain) && host.charCodeAt(labelLength) === 46 /* . */) {
      const label = host.slice(0, labelLength);
      return label.includes('.') ? undefined : asTenantId(label);
    }
  }
  return undefined;
}

/**
 * The one-level wildcard that covers a host (`shop.acme.example.net` -> `*.acme.example.net`), or
 * undefined when the parent would be a bare top-level domain.
 */
export function wildcardOf(host: string): string | undefined {
  const dot = host.indexOf('.');
  const parent = host.slice(dot + 1);
  return parent.includes('.') ? `*.${parent}` : undefined;
}

/** A normalised request path: what the origin gets, and the same without `;` parameters. */
export interface RequestPath {
  readonly path: string;
  readonly matchPath: string;
}

/**
 * The tenant serving a path on a domain: the longest path prefix that matches on a segment
 * boundary (`/shop` matches `/shop`, `/shop/` and `/shop/x`, not `/shopping`), else the domain's
 * tenant. Paths and prefixes are in the same normal form (`normaliseRequestPath`,
 * `parseDomainItem`), so both sides read a path one way. Undefined when `;` parameters make the
 * path ambiguous: servlet containers strip them (`/api;v=1/x` is `/api/x`), other servers do not
 * (`api;v=1` is a segment of its own), and the two readings would go to different tenants.
 */
export function tenantForPath(domain: DomainRoute, request: RequestPath): TenantId | undefined {
  if (domain.paths === undefined) return domain.tenantId;
  const tenantId = longestPrefixTenant(domain, request.matchPath);
  if (request.path === request.matchPath) return tenantId;
  return longestPrefixTenant(domain, request.path) === tenantId ? tenantId : undefined;
}

function longestPrefixTenant(domain: DomainRoute, matchPath: string): TenantId {
  let best: TenantId = domain.tenantId;
  let bestLength = 0;
  for (const [key, tenantId] of domain.paths ?? []) {
    // A trailing '/' is insignificant: '/api/' is the prefix '/api' ('/' itself matches every path).
    const length = key.length > 1 && key.endsWith('/') ? key.length - 1 : key.length;
    if (length <= bestLength || !matchPath.startsWith(key.slice(0, length))) continue;
    const next = matchPath.charCodeAt(length);
    if (length === 1 || Number.isNaN(next) || next === 47 /* / */) {
      best = tenantId;
      bestLength = length;
    }
  }
  return best;
}
