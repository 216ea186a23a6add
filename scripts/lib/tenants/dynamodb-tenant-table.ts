/**
 * {@link TenantTable} over DynamoDB: strongly consistent reads, and conditional writes of items
 * encoded and checked by `tenant-items.ts`. A failed condition is a {@link VersionConflictError}
 * (or `false`, for domain claims), never a raw SDK error.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  domainKey,
  type Item,
  PARTITION_KEY,
  parseDomainItem,
  parseRegionsItem,
  REGION_INDEX,
  REGIONS_KEY,
  tenantKey,
} from '../../../edge/items.ts';
import type { Region, RegionsRecord, TenantId } from '../../../edge/model.ts';
import type { Clock } from '../../../edge/tenant-store.ts';
import { claimDomain, releaseDomain } from './domain-item-writes.ts';
import { type Context, getItem, whenCondition } from './dynamodb-context.ts';
import { VersionConflictError } from './tenant-errors.ts';
import { auditItemOf, changedTenant, regionsItemOf, tenantItemOf, tenantSnapshotOf } from './tenant-items.ts';
import type { RegionQuery, TenantPage, TenantSnapshot, TenantTable } from './tenant-table.ts';

/** Options of {@link createDynamoDBTenantTable}. */
export interface DynamoDBTenantTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** @default Date.now */
  readonly clock?: Clock;
}

/**
 * Creates the table accessor of the operator tools.
 *
 * @example
 * const table = createDynamoDBTenantTable({ client, tableName: 'tenant-routes' });
 * const acme = await table.getTenant(tenantId);
 */
export function createDynamoDBTenantTable(options: DynamoDBTenantTableOptions): TenantTable {
  const clock = options.clock ?? Date.now;
  const ctx: Context = {
    client: options.client,
    tableName: options.tableName,
    now: () => new Date(clock()).toISOString(),
  };
  return {
    tableName: ctx.tableName,
    now: ctx.now,
    async getTenant(tenantId) {
      const item = await getItem(ctx, tenantKey(tenantId));
      return item === undefined ? undefined : tenantSnapshotOf(item);
    },
    async createTenant(tenant, pendingClaims) {
      const snapshot: TenantSnapshot = {
        record: { ...tenant, version: 1, updatedAt: ctx.now() },
        migration: undefined,
        pendingClaims,
      };
      await putNew(ctx, tenantItemOf(snapshot), `tenant ${tenant.tenantId} already exists`);
      return snapshot;
    },
    updateTenant: (current, change) => updateTenant(ctx, current, changedTenant(current, change, ctx.now())),
    deleteTenant: (tenantId, expectedVersion) => deleteTenant(ctx, tenantId, expectedVersion),
    queryRegion: (region, query) => queryRegion(ctx, region, query),
    async getDomain(host) {
      const item = await getItem(ctx, domainKey(host));
      return item === undefined ? undefined : parseDomainItem(item);
    },
    claimDomain: (claim, tenantId) => claimDomain(ctx, claim, tenantId),
    releaseDomain: (claim, tenantId) => releaseDomain(ctx, claim, tenantId),
    deleteDomainOf: (host, tenantId) =>
      whenCondition(deleteIf(ctx, domainKey(host), 'tenantId', { S: tenantId })),
    async scan({ limit, startKey }) {
      const out = await ctx.client.send(
        new ScanCommand({
          TableName: ctx.tableName,
          Limit: limit,
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      return { items: out.Items ?? [], nextKey: out.LastEvaluatedKey };
    },
    async getRegions() {
      const item = await getItem(ctx, REGIONS_KEY);
      return item === undefined ? undefined : parseRegionsItem(item);
    },
    putRegions: (regions, expectedVersion) => putRegions(ctx, regions, expectedVersion),
    async putAudit(entry) {
      await ctx.client.send(new PutItemCommand({ TableName: ctx.tableName, Item: auditItemOf(entry) }));
    },
  };
}

/** Runs a conditional write; a failed condition becomes {@link VersionConflictError}. */
async function conditional<T>(write: Promise<T>, conflict: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new VersionConflictError(conflict, { cause: error });
    throw error;
  }
}

async function putNew(ctx: Context, item: Item, conflict: string): Promise<void> {
  await conditional(
    ctx.client.send(
      new PutItemCommand({
        TableName: ctx.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
    conflict,
  );
}

/**
 * Writes `next` over `current` conditional on `current`'s version: SET of the attributes whose
 * encoding changed, REMOVE of those `next` no longer has. Attributes no encoder knows are kept.
 */
async function updateTenant(
  ctx: Context,
  current: TenantSnapshot,
  next: TenantSnapshot,
): Promise<TenantSnapshot> {
  const before = tenantItemOf(current);
  const after = tenantItemOf(next);
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, AttributeValue> = { ':expected': { N: String(current.record.version) } };
  const sets: string[] = [];
  let i = 0;
  for (const [name, value] of Object.entries(after)) {
    if (name === PARTITION_KEY || JSON.stringify(value) === JSON.stringify(before[name])) continue;
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
    i++;
  }
  const removes = Object.keys(before)
    .filter((name) => after[name] === undefined)
    .map((name, j) => {
      names[`#r${j}`] = name;
      return `#r${j}`;
    });
  const expression = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
  const out = await conditional(
    ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: { [PARTITION_KEY]: { S: tenantKey(current.record.tenantId) } },
        UpdateExpression: expression,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    ),
    `tenant ${current.record.tenantId} changed concurrently (version ${current.record.version} is stale)`,
  );
  return tenantSnapshotOf(out.Attributes ?? {});
}

async function deleteTenant(ctx: Context, tenantId: TenantId, expectedVersion: number): Promise<void> {
  await conditional(
    deleteIf(ctx, tenantKey(tenantId), 'version', { N: String(expectedVersion) }),
    `tenant ${tenantId} changed concurrently`,
  );
}

/** Deletes the item `pk` if its attribute `name` equals `value`. */
function deleteIf(ctx: Context, pk: string, name: string, value: AttributeValue): Promise<unknown> {
  return ctx.client.send(
    new DeleteItemCommand({
      TableName: ctx.tableName,
      Key: { [PARTITION_KEY]: { S: pk } },
      ConditionExpression: '#name = :value',
      ExpressionAttributeNames: { '#name': name },
      ExpressionAttributeValues: { ':value': value },
    }),
  );
}

async function queryRegion(ctx: Context, region: Region, query: RegionQuery = {}): Promise<TenantPage> {
  const names: Record<string, string> = { '#region': 'region' };
  const values: Record<string, AttributeValue> = { ':region': { S: region } };
  const filters: string[] = [];
  if (query.status !== undefined) {
    names['#status'] = 'status';
    values[':status'] = { S: query.status };
    filters.push('#status = :status');
  }
  if (query.migratingFrom !== undefined) {
    names['#migration'] = 'migration';
    names['#from'] = 'from';
    values[':from'] = { S: query.migratingFrom };
    filters.push('#migration.#from = :from');
  }
  const out = await ctx.client.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: REGION_INDEX,
      KeyConditionExpression: '#region = :region',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(query.limit === undefined ? {} : { Limit: query.limit }),
      ...(query.startKey === undefined ? {} : { ExclusiveStartKey: query.startKey }),
    }),
  );
  return { tenants: (out.Items ?? []).map(tenantSnapshotOf), nextKey: out.LastEvaluatedKey };
}

/**
 * Writes the regions record conditional on the version read (`undefined`: must not exist). An
 * existing item is updated entry by entry (`SET regions.<r> = ...`), so an entry this write does
 * not carry, such as a malformed one the router isolates, is kept as it was, for an operator to
 * see and repair (`region set` on it replaces it).
 */
async function putRegions(
  ctx: Context,
  regions: RegionsRecord['regions'],
  expected: number | undefined,
): Promise<RegionsRecord> {
  const record: RegionsRecord = { regions, version: (expected ?? 0) + 1 };
  const item = regionsItemOf(record, ctx.now());
  const conflict = 'the regions item changed concurrently; retry';
  if (expected === undefined) {
    await putNew(ctx, item, conflict);
    return record;
  }
  const names: Record<string, string> = {
    '#regions': 'regions',
    '#version': 'version',
    '#updatedAt': 'updatedAt',
  };
  const values: Record<string, AttributeValue> = {
    ':expected': { N: String(expected) },
    ':version': item.version as AttributeValue,
    ':updatedAt': item.updatedAt as AttributeValue,
  };
  const sets = ['#version = :version', '#updatedAt = :updatedAt'];
  Object.entries(item.regions?.M ?? {}).forEach(([region, entry], i) => {
    names[`#r${i}`] = region;
    values[`:r${i}`] = entry;
    sets.push(`#regions.#r${i} = :r${i}`);
  });
  await conditional(
    ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: { [PARTITION_KEY]: { S: REGIONS_KEY } },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
    conflict,
  );
  return record;
}
