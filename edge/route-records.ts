/**
 * The slim forms the route cache keeps of records: only the fields the router reads, with the
 * strings every record repeats (region names, statuses) and the tenant id (the cache key itself)
 * shared rather than copied. Pure. Heap per cached tenant: docs/performance.md.
 */
import {
  type DomainRecord,
  type Region,
  TENANT_STATUSES,
  type TenantId,
  type TenantRecord,
} from './model.ts';
import type { DomainRoute, TenantRoute } from './tenant-store.ts';

/** One string instance per region name seen: there are tens of regions, not one per tenant. */
const regionNames = new Map<string, Region>();

function sharedRegion(region: Region): Region {
  let shared = regionNames.get(region);
  if (shared === undefined) {
    shared = region;
    regionNames.set(region, region);
  }
  return shared;
}

/** What the router reads of a domain record (no host, no claim bookkeeping). */
export function slimDomain(record: DomainRecord | undefined): DomainRoute | undefined {
  if (record === undefined) return undefined;
  return record.paths === undefined
    ? { tenantId: record.tenantId }
    : { tenantId: record.tenantId, paths: record.paths };
}

/**
 * What the router reads of a tenant record (no version, timestamps, domain list or migration),
 * its tenant id the lookup key `key` when they are equal (they always are for a valid item).
 */
export function slimTenant(record: TenantRecord | undefined, key: TenantId): TenantRoute | undefined {
  if (record === undefined) return undefined;
  const status = TENANT_STATUSES.find((s) => s === record.status) ?? record.status;
  const route: { -readonly [K in keyof TenantRoute]: TenantRoute[K] } = {
    tenantId: record.tenantId === key ? key : record.tenantId,
    region: sharedRegion(record.region),
    status,
  };
  if (record.origin !== undefined) route.origin = record.origin;
  if (record.failoverRegion !== undefined) route.failoverRegion = sharedRegion(record.failoverRegion);
  if (record.originSecret !== undefined) route.originSecret = record.originSecret;
  return route;
}
