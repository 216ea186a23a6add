/**
 * Writes generated tenants into a local table: the tenant item of each, spread over the regions of
 * the REGIONS item, and for custom-domain and wildcard hosts the DOMAIN item that routes the host
 * (generated-hosts.ts). Only for local DynamoDB-compatible servers: the writes are unconditional
 * batch puts.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  domainToItem,
  parseRegionsItem,
  REGIONS_KEY,
  regionsToItem,
  tenantToItem,
} from '../../edge/items.ts';
import type { Region, RegionRecord } from '../../edge/model.ts';
import { domainItemHostOf, type HostsKindChoice } from './generated-hosts.ts';
import { loadTestTenantId } from './generated-tenants.ts';

/** Options of {@link seedLoadTestTenants}. */
export interface SeedOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Number of tenants: ids `lt-000001` .. */
  readonly tenants: number;
  /** Kind of each tenant's host. @default 'platform' */
  readonly hostsKind?: HostsKindChoice;
  /** Regions to use when the table has no REGIONS item yet (it is then written). */
  readonly fallbackRegions: ReadonlyMap<Region, RegionRecord>;
  /** Batch writes in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Called after each batch with the number of tenants written so far. */
  readonly onProgress?: (written: number) => void;
}

/** BatchWriteItem's limit of requests per call. */
const BATCH_ITEMS = 25;
/** Tenants per batch: each has at most two items (tenant and domain). */
const BATCH_TENANTS = 12;

/**
 * Writes the tenant and domain items (generated `lt-` tenants only, in a local table) and, when
 * missing, the REGIONS item (conditional: never replaces an existing one). Returns the regions
 * the tenants were spread over.
 *
 * @example
 * await seedLoadTestTenants({ client, tableName, tenants: 1000, hostsKind: 'mixed', fallbackRegions });
 */
export async function seedLoadTestTenants(options: SeedOptions): Promise<Region[]> {
  const regions = await regionsOf(options);
  const updatedAt = new Date().toISOString();
  const choice = options.hostsKind ?? 'platform';
  let nextIndex = 0;
  let written = 0;
  const worker = async () => {
    while (nextIndex < options.tenants) {
      const from = nextIndex;
      const to = Math.min(options.tenants, from + BATCH_TENANTS);
      nextIndex = to;
      const requests: WriteRequest[] = [];
      for (let i = from; i < to; i++) {
        const tenantId = loadTestTenantId(i);
        const domainHost = domainItemHostOf(i, choice);
        const tenant = tenantToItem({
          tenantId,
          region: regions[i % regions.length] as Region,
          status: 'active',
          version: 1,
          updatedAt,
          ...(domainHost !== undefined && { domains: [domainHost] }),
        });
        requests.push({ PutRequest: { Item: tenant } });
        if (domainHost !== undefined) {
          const domain = domainToItem({ host: domainHost, tenantId }, updatedAt);
          requests.push({ PutRequest: { Item: domain } });
        }
      }
      if (requests.length > BATCH_ITEMS) throw new Error('a seeding batch exceeds BatchWriteItem');
      await writeBatch(options.client, options.tableName, requests);
      written += to - from;
      options.onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return regions;
}

/** The regions of the table's REGIONS item, written from the fallback when there is none. */
async function regionsOf(options: SeedOptions): Promise<Region[]> {
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
  return regions;
}

/** One batch write, retrying what comes back unprocessed with backoff. */
async function writeBatch(client: DynamoDBClient, tableName: string, batch: WriteRequest[]): Promise<void> {
  let requests = batch;
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 20) throw new Error('batch writes kept coming back unprocessed');
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** Math.min(attempt, 6)));
    const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
    requests = output.UnprocessedItems?.[tableName] ?? [];
  }
}
