/**
 * Host -> tenant resolution rules. Pure.
 */
import { asTenantId, type DomainRecord, type TenantId } from './model.ts';

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

/**
 * The tenant serving `uri` on a domain: the longest path prefix that matches on a segment
 * boundary (`/shop` matches `/shop` and `/shop/x`, not `/shopping`), else the domain's tenant.
 */
export function tenantForPath(domain: DomainRecord, uri: string): TenantId {
  if (domain.paths === undefined) return domain.tenantId;
  let best: TenantId = domain.tenantId;
  let bestLength = 0;
  for (const [prefix, tenantId] of domain.paths) {
    if (prefix.length <= bestLength || !uri.startsWith(prefix)) continue;
    const next = uri.charCodeAt(prefix.length);
    if (prefix.endsWith('/') || Number.isNaN(next) || next === 47 /* / */) {
      best = tenantId;
      bestLength = prefix.length;
    }
  }
  return best;
}
