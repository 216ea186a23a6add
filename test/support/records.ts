/**
 * Typed factories of the router's records and their table items, with sensible defaults so a test
 * states only what it is about.
 */
import { domainToItem, type Item, regionsToItem, tenantToItem } from '../../edge/items.ts';
import {
  asRegion,
  asTenantId,
  type CustomOrigin,
  type DomainRecord,
  type Region,
  type RegionRecord,
  type RegionsRecord,
  type S3Origin,
  type TenantId,
  type TenantRecord,
} from '../../edge/model.ts';

/** A {@link TenantId}; throws on an invalid one so a typo in a test fails loudly. */
export function tenantId(value: string): TenantId {
  const id = asTenantId(value);
  if (id === undefined) throw new Error(`test fixture: ${JSON.stringify(value)} is not a tenant id`);
  return id;
}

/** A {@link Region}; throws on an invalid one. */
export function region(value: string): Region {
  const r = asRegion(value);
  if (r === undefined) throw new Error(`test fixture: ${JSON.stringify(value)} is not a region`);
  return r;
}

/** Timestamp used by every factory, so items compare equal across runs. */
export const FIXTURE_TIME = '2026-01-01T00:00:00.000Z';

/** A custom origin under `.origin.example.com`. @default pool.us-east-1.origin.example.com:443 */
export function aCustomOrigin(overrides: Partial<Omit<CustomOrigin, 'type'>> = {}): CustomOrigin {
  return {
    type: 'custom',
    domainName: 'pool.us-east-1.origin.example.com',
    protocol: 'https',
    port: 443,
    path: '',
    ...overrides,
  };
}

/** An S3 origin in eu-west-1. */
export function anS3Origin(overrides: Partial<Omit<S3Origin, 'type'>> = {}): S3Origin {
  return {
    type: 's3',
    domainName: 'tenant-assets.s3.eu-west-1.amazonaws.com',
    path: '',
    region: region('eu-west-1'),
    ...overrides,
  };
}

/** An active tenant `acme` living in us-east-1, version 1. */
export function aTenantRecord(overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: tenantId('acme'),
    region: region('us-east-1'),
    status: 'active',
    version: 1,
    updatedAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** The domain `shop.acme.com` of tenant `acme`. */
export function aDomainRecord(overrides: Partial<DomainRecord> = {}): DomainRecord {
  return { host: 'shop.acme.com', tenantId: tenantId('acme'), ...overrides };
}

/** The shared-pool pool origin of a region: `pool.<region>.origin.example.com`. */
export function poolOrigin(regionName: string): CustomOrigin {
  return aCustomOrigin({ domainName: `pool.${regionName}.origin.example.com` });
}

/** An active region entry served by its pool origin. */
export function aRegionRecord(regionName: string, overrides: Partial<RegionRecord> = {}): RegionRecord {
  return { origin: poolOrigin(regionName), status: 'active', ...overrides };
}

/**
 * A regions record. Pass region -> overrides; by default us-east-1, eu-west-1 and
 * ap-southeast-2, all active, each the failover of the next.
 */
export function someRegions(
  entries: Record<string, Partial<RegionRecord>> = {
    'us-east-1': { failover: region('eu-west-1') },
    'eu-west-1': { failover: region('us-east-1') },
    'ap-southeast-2': { failover: region('us-east-1') },
  },
  version = 1,
): RegionsRecord {
  return {
    version,
    regions: new Map(Object.entries(entries).map(([name, e]) => [region(name), aRegionRecord(name, e)])),
  };
}

/** Records to seed a table or an in-memory store with. */
export interface RecordSet {
  readonly tenants?: readonly TenantRecord[];
  readonly domains?: readonly DomainRecord[];
  readonly regions?: RegionsRecord;
}

/** The table items of a set of records, as the admin tool writes them. */
export function recordItems(records: RecordSet): Item[] {
  return [
    ...(records.tenants ?? []).map((t) => tenantToItem(t)),
    ...(records.domains ?? []).map((d) => domainToItem(d, FIXTURE_TIME)),
    ...(records.regions === undefined ? [] : [regionsToItem(records.regions, FIXTURE_TIME)]),
  ];
}
