/**
 * The local edge's demo data: three regions with their pool origins and one tenant per routing
 * case (custom domain, platform subdomain, wildcard domain, suspended, dedicated origins), written
 * with the item writers of edge/items.ts.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  domainToItem,
  type Item,
  parseRegionsItem,
  REGIONS_KEY,
  regionsToItem,
  tenantToItem,
} from '../../edge/items.ts';
import type { DomainRecord, Region, RegionRecord, TenantId, TenantRecord } from '../../edge/model.ts';

/** Domain of a region's shared pool origin. */
export function poolDomain(region: string): string {
  return `pool.${region}.origin.example.com`;
}

/** A demo host and what it shows. */
export interface DemoHost {
  readonly host: string;
  readonly tenantId: string;
  /** What the router should do with it, for the start banner and the tests. */
  readonly expect: string;
  /** Expected HTTP status at the viewer. */
  readonly status: number;
  /** Region whose origin should answer, for forwarded hosts. */
  readonly region?: string;
  /** Origin domain the request should reach, for forwarded hosts. */
  readonly originDomain?: string;
}

/** Domain of the dedicated custom origin of tenant `hooli`. */
export const DEDICATED_ORIGIN_DOMAIN = 'hooli.dedicated.origin.example.com';
/** The S3 bucket serving tenant `piedpiper`. */
export const S3_ORIGIN_DOMAIN = 'tenant-assets.s3.eu-west-1.amazonaws.com';

/** The demo data set. */
export interface DemoData {
  readonly regions: ReadonlyMap<Region, RegionRecord>;
  readonly tenants: readonly TenantRecord[];
  readonly domains: readonly DomainRecord[];
  /** Hosts worth trying, one per routing case. */
  readonly hosts: readonly DemoHost[];
}

const r = (s: string) => s as Region;
const t = (s: string) => s as TenantId;

/** Each region with its pool origin and the next region as failover (health URLs: refreshDemoHealthUrls). */
function demoRegions(names: readonly string[]) {
  const regions = new Map<Region, RegionRecord>();
  names.forEach((name, i) => {
    regions.set(r(name), {
      origin: { type: 'custom', domainName: poolDomain(name), protocol: 'https', port: 443, path: '' },
      status: 'active',
      failover: r(names[(i + 1) % names.length] as string),
    });
  });
  return regions;
}

/**
 * The demo data for a platform domain and a set of regions (the first three are used for tenants;
 * at least one region is required).
 */
export function demoData(options: {
  platformDomain: string;
  regions: readonly string[];
  now: string;
}): DemoData {
  const regionNames = options.regions;
  if (regionNames.length === 0) throw new RangeError('demo data needs at least one region');
  const pick = (i: number) => r(regionNames[i % regionNames.length] as string);
  const [east, west, south] = [pick(0), pick(1), pick(2)];
  const regions = demoRegions(regionNames);
  const base = { version: 1, updatedAt: options.now, status: 'active' as const };
  const platform = options.platformDomain;
  const tenants: TenantRecord[] = [
    { ...base, tenantId: t('acme'), region: east, domains: ['shop.acme.com'] },
    { ...base, tenantId: t('globex'), region: west, domains: [] },
    { ...base, tenantId: t('initech'), region: south, domains: ['*.initech.example.net'] },
    {
      ...base,
      tenantId: t('umbrella'),
      region: west,
      status: 'suspended',
      domains: ['umbrella.example.org'],
    },
    {
      ...base,
      tenantId: t('hooli'),
      region: east,
      domains: ['www.hooli.example.io'],
      origin: {
        type: 'custom',
        domainName: DEDICATED_ORIGIN_DOMAIN,
        protocol: 'https',
        port: 443,
        path: '/site',
      },
    },
    {
      ...base,
      tenantId: t('piedpiper'),
      region: west,
      domains: ['assets.piedpiper.example.com'],
      origin: { type: 's3', domainName: S3_ORIGIN_DOMAIN, path: '/piedpiper', region: r('eu-west-1') },
    },
  ];
  const domains: DomainRecord[] = tenants.flatMap((tenant) =>
    (tenant.domains ?? []).map((host) => ({ host, tenantId: tenant.tenantId })),
  );
  const hosts: DemoHost[] = [
    {
      host: 'shop.acme.com',
      tenantId: 'acme',
      expect: `custom domain -> ${east}`,
      status: 200,
      region: east,
      originDomain: poolDomain(east),
    },
    {
      host: `globex.${platform}`,
      tenantId: 'globex',
      expect: `platform subdomain -> ${west}`,
      status: 200,
      region: west,
      originDomain: poolDomain(west),
    },
    {
      host: 'www.initech.example.net',
      tenantId: 'initech',
      expect: `wildcard domain -> ${south}`,
      status: 200,
      region: south,
      originDomain: poolDomain(south),
    },
    { host: 'umbrella.example.org', tenantId: 'umbrella', expect: 'suspended -> 403', status: 403 },
    {
      host: 'www.hooli.example.io',
      tenantId: 'hooli',
      expect: 'dedicated origin',
      status: 200,
      region: east,
      originDomain: DEDICATED_ORIGIN_DOMAIN,
    },
    {
      host: 'assets.piedpiper.example.com',
      tenantId: 'piedpiper',
      expect: 'dedicated S3 origin',
      status: 200,
      region: west,
      originDomain: S3_ORIGIN_DOMAIN,
    },
  ];
  return { regions, tenants, domains, hosts };
}

/**
 * Writes the demo data, each item only if absent (`attribute_not_exists`), so a persisted store
 * (`--data DIR`) keeps whatever was changed since. Returns how many items were written.
 */
export async function seedDemoData(
  client: DynamoDBClient,
  tableName: string,
  data: DemoData,
): Promise<number> {
  const now = data.tenants[0]?.updatedAt ?? new Date().toISOString();
  const items: Item[] = [
    regionsToItem({ regions: data.regions, version: 1 }, now),
    ...data.tenants.map((tenant) => tenantToItem(tenant)),
    ...data.domains.map((domain) => domainToItem(domain, now)),
  ];
  let written = 0;
  for (const item of items) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      written++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return written;
}

/** Whether a health URL points at a local origin of some run (loopback), so it may be refreshed. */
function isLocalHealthUrl(url: string | undefined): boolean {
  return url === undefined || /^http:\/\/127\.0\.0\.1:\d+\//.test(url);
}

/**
 * Points the demo regions' health URLs at this run's local origins: a region whose URL is unset or
 * a loopback URL (a previous run's port) gets `healthUrls[region]`; an operator's own URL is kept.
 * One conditional update on the regions item's version, entry field by entry field, so an entry
 * it does not touch (a malformed one kept for repair) stays as it is; a lost race leaves it to the
 * next start.
 */
export async function refreshDemoHealthUrls(
  client: DynamoDBClient,
  tableName: string,
  healthUrls: Readonly<Record<string, string>>,
): Promise<void> {
  const out = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: REGIONS_KEY } }, ConsistentRead: true }),
  );
  if (out.Item === undefined) return;
  const current = parseRegionsItem(out.Item);
  const names: Record<string, string> = {
    '#regions': 'regions',
    '#health': 'healthUrl',
    '#version': 'version',
  };
  const values: Record<string, { S: string } | { N: string }> = {
    ':v': { N: String(current.version) },
    ':one': { N: '1' },
  };
  const sets: string[] = [];
  for (const [name, record] of current.regions) {
    const url = healthUrls[name];
    if (url === undefined || record.healthUrl === url || !isLocalHealthUrl(record.healthUrl)) continue;
    names[`#r${sets.length}`] = name;
    values[`:u${sets.length}`] = { S: url };
    sets.push(`#regions.#r${sets.length}.#health = :u${sets.length}`);
  }
  if (sets.length === 0) return;
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: REGIONS_KEY } },
        UpdateExpression: `SET ${sets.join(', ')}, #version = #version + :one`,
        ConditionExpression: '#version = :v',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
