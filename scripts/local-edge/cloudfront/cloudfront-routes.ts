/**
 * The control API's routes for the local CloudFront control plane and DNS (JSON):
 *
 *   GET    /cloudfront                       endpoint, distribution, connection group, tenants, calls
 *   PUT    /cloudfront/throttle              {"ratePerSecond": 5} and/or {"share": 0.3}: Throttling answers
 *   DELETE /cloudfront/throttle              no throttling
 *   PUT    /cloudfront/certificate-failures/<domain>   the domain's managed certificate fails
 *   DELETE /cloudfront/certificate-failures/<domain>   it validates again (then verify --retry)
 *   PUT    /cloudfront/active-hosts          {"hosts": [...]}: served at once, as tenants created before
 *                                            the run (set-up: the load test's generated hosts)
 *   GET    /dns                              every record set of the local DNS
 *   PUT    /dns                              {"name": ..., "type": "TXT"|"CNAME", "value": ...}: a record
 *   DELETE /dns                              {"name": ..., "type": ..., "value"?: ...}
 */
import type { LocalCloudFront } from './local-cloudfront.ts';
import type { LocalRecordType } from './local-dns.ts';

/** A route's answer, or a 400 problem. */
export type RouteAnswer = { status: number; body?: unknown } | { problem: string };

/** The summary `GET /cloudfront` answers (also in `/status`). */
export function cloudFrontSummary(cf: LocalCloudFront): Record<string, unknown> {
  const tenants = [...cf.model.tenants.values()];
  return {
    endpoint: cf.url,
    dnsServer: cf.dnsServer,
    distributionId: cf.distributionId,
    connectionGroupId: cf.connectionGroupId,
    routingEndpoint: cf.routingEndpoint,
    tenants: tenants.length,
    servedDomains: tenants.reduce((n, t) => n + (t.enabled ? t.activeDomains.size : 0), 0),
    calls: cf.calls,
    certificates: cf.validator.counts,
    dnsRecords: cf.dns.size,
  };
}

/** Routes one request; undefined when the path is not one of these. */
export function routeCloudFront(
  cf: LocalCloudFront,
  method: string,
  path: string,
  body: () => Promise<unknown>,
): Promise<RouteAnswer> | undefined {
  if (path === '/cloudfront' && method === 'GET')
    return Promise.resolve({ status: 200, body: cloudFrontSummary(cf) });
  if (path === '/cloudfront/throttle') {
    if (method === 'DELETE') {
      cf.setThrottle(undefined);
      return Promise.resolve({ status: 204 });
    }
    if (method === 'PUT')
      return body().then((b) => {
        const { ratePerSecond, share } = (b ?? {}) as { ratePerSecond?: unknown; share?: unknown };
        const okRate =
          ratePerSecond === undefined || (typeof ratePerSecond === 'number' && ratePerSecond > 0);
        const okShare = share === undefined || (typeof share === 'number' && share >= 0 && share <= 1);
        if (!okRate || !okShare || (ratePerSecond === undefined && share === undefined))
          return { problem: 'body must be {"ratePerSecond": N > 0} and/or {"share": 0..1}' };
        cf.setThrottle({
          ratePerSecond: ratePerSecond as number | undefined,
          share: share as number | undefined,
        });
        return { status: 200, body: { ratePerSecond, share } };
      });
  }
  if (path.startsWith('/cloudfront/certificate-failures/') && (method === 'PUT' || method === 'DELETE')) {
    // PUT stands in for what fails a real certificate (a CAA record forbidding Amazon); DELETE
    // is the customer fixing it, so a `verify --retry` can be shown to recover.
    const domain = decodeURIComponent(path.slice('/cloudfront/certificate-failures/'.length));
    if (method === 'PUT') cf.validator.failingDomains.add(domain);
    else cf.validator.failingDomains.delete(domain);
    return Promise.resolve({ status: 200, body: { failing: [...cf.validator.failingDomains] } });
  }
  if (path === '/cloudfront/active-hosts' && method === 'PUT')
    return body().then((b) => {
      const hosts = (b as { hosts?: unknown } | undefined)?.hosts;
      if (
        !Array.isArray(hosts) ||
        !hosts.every((h) => typeof h === 'string' && h.length > 0 && h.length <= 253)
      )
        return { problem: 'body must be {"hosts": ["host", "*.parent", ...]}' };
      try {
        cf.activate(hosts as string[]);
      } catch (error) {
        // A host CloudFront would refuse as a domain (InvalidArgument): a 400 naming it.
        return { problem: (error as Error).message };
      }
      return { status: 200, body: { activated: hosts.length } };
    });
  if (path === '/dns') {
    if (method === 'GET') return Promise.resolve({ status: 200, body: cf.dns.list() });
    if (method === 'PUT' || method === 'DELETE')
      return body().then((b) => {
        const { name, type, value } = (b ?? {}) as { name?: unknown; type?: unknown; value?: unknown };
        if (typeof name !== 'string' || (type !== 'TXT' && type !== 'CNAME'))
          return { problem: 'body must be {"name": "...", "type": "TXT"|"CNAME", "value": "..."}' };
        if (method === 'PUT') {
          if (typeof value !== 'string') return { problem: 'value must be a string' };
          cf.dns.add(name, type as LocalRecordType, value);
        } else cf.dns.remove(name, type as LocalRecordType, typeof value === 'string' ? value : undefined);
        return { status: 200, body: { name, type, values: cf.dns.lookup(name, type as LocalRecordType) } };
      });
  }
  return undefined;
}
