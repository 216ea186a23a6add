/**
 * The generated tenants of the load test, the benchmarks, the chaos scenario and the local edge's
 * child runs: platform-subdomain tenants (`lt-000001.app.example.com`), which need one tenant item
 * each and no domain item, spread over the regions of the REGIONS item. Seeding writes them into a
 * local table; only for local DynamoDB-compatible servers.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from '../../edge/config.ts';
import { parseRegionsItem, REGIONS_KEY, regionsToItem, tenantToItem } from '../../edge/items.ts';
import type { Region, RegionRecord, TenantId } from '../../edge/model.ts';
import { poolOriginSuffix } from './local-defaults.ts';

/** Prefix of generated tenant ids, so they never collide with hand-made ones. */
export const LOAD_TEST_TENANT_PREFIX = 'lt-';

/** Id of generated tenant `index` (0-based): `lt-000001` for index 0. */
export function loadTestTenantId(index: number): TenantId {
  return `${LOAD_TEST_TENANT_PREFIX}${String(index + 1).padStart(6, '0')}` as TenantId;
}

/**
 * The platform domain generated tenants live under (the first one): they are platform
 * subdomains, so a configuration without one cannot route them. Throws then.
 */
export function generatedTenantDomain(config: Pick<RouterConfig, 'platformDomains'>): string {
  const domain = config.platformDomains[0];
  if (domain === undefined)
    throw new Error('generated tenants are platform subdomains, and platformDomains is empty');
  return domain;
}

/** Host of generated tenant `index` under a platform domain. */
export function loadTestHost(index: number, platformDomain: string): string {
  return `${loadTestTenantId(index)}.${platformDomain}`;
}

/**
 * The REGIONS record written when a table has none: one shared pool origin per replica region,
 * `pool-<region>` under {@link poolOriginSuffix}, so the router accepts it. Throws for a
 * configuration with no parent-domain suffix.
 */
export function defaultRegionsRecord(
  config: Pick<RouterConfig, 'replicaRegions' | 'allowedOriginSuffixes'>,
): Map<Region, RegionRecord> {
  const suffix = poolOriginSuffix(config);
  return new Map(
    config.replicaRegions.map((region) => [
      region,
      {
        origin: {
          type: 'custom',
          domainName: `pool-${region}${suffix}`,
          protocol: 'https',
          port: 443,
          path: '',
        },
        status: 'active',
      } satisfies RegionRecord,
    ]),
  );
}

/** Options of {@link seedLoadTestTenants}. */
export interface SeedOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Number of tenants: ids `lt-000001` .. */
  readonly tenants: number;
  /** Regions to use when the table has no REGIONS item yet (it is then written). */
  readonly fallbackRegions: ReadonlyMap<Region, RegionRecord>;
  /** Batch writes in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Called after each batch with the number of tenants written so far. */
  readonly onProgress?: (written: number) => void;
}

const BATCH = 25;

/**
 * Writes the tenant items (unconditional batch puts: generated `lt-` tenants only, in a local
 * table) and, when missing, the REGIONS item (conditional: never replaces an existing one).
 * Returns the regions the tenants were spread over.
 */
export async function seedLoadTestTenants(options: SeedOptions): Promise<Region[]> {
  const { client, tableName } = options;
  const existing = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: REGIONS_KEY } }, ConsistentRead: true }),
  );
  let regions: Region[];
  if (existing.Item !== undefined) {
    regions = [...parseRegionsItem(existing.Item).regions.keys()];
  } else {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: regionsToItem({ regions: options.fallbackRegions, version: 1 }, new Date().toISOString()),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    regions = [...options.fallbackRegions.keys()];
  }
  if (regions.length === 0) throw new Error('the REGIONS item lists no regions');
  const updatedAt = new Date().toISOString();
  let nextIndex = 0;
  let written = 0;
  const worker = async () => {
    while (nextIndex < options.tenants) {
      const from = nextIndex;
      const to = Math.min(options.tenants, from + BATCH);
      nextIndex = to;
      let requests: WriteRequest[] = [];
      for (let i = from; i < to; i++) {
        const item = tenantToItem({
          tenantId: loadTestTenantId(i),
          region: regions[i % regions.length] as Region,
          status: 'active',
          version: 1,
          updatedAt,
        });
        requests.push({ PutRequest: { Item: item } });
      }
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 20) throw new Error('batch writes kept coming back unprocessed');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** Math.min(attempt, 6)));
        const output = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = output.UnprocessedItems?.[tableName] ?? [];
      }
      written += to - from;
      options.onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return regions;
}
