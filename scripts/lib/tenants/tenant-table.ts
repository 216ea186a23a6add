/**
 * Reads and conditional writes of the router table for the operator tools: tenant, domain, regions
 * and audit items, laid out by `edge/items.ts`. Reads are strongly consistent (the scripts write
 * and read one region); every tenant and regions write is conditional on `version`.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  auditKey,
  domainKey,
  type Item,
  parseDomainItem,
  parseRegionsItem,
  parseTenantItem,
  REGION_INDEX,
  REGIONS_KEY,
  regionsToItem,
  tenantKey,
  tenantToItem,
} from '../../../edge/items.ts';
import type {
  DomainRecord,
  Region,
  RegionRecord,
  RegionsRecord,
  TenantId,
  TenantRecord,
} from '../../../edge/model.ts';
import type { Clock } from '../../../edge/tenant-store.ts';
import { VersionConflictError } from './tenant-errors.ts';

/** A tenant as read: the validated record and the raw item (for attributes the router ignores). */
export interface TenantSnapshot {
  readonly record: TenantRecord;
  readonly item: Item;
}

/** Attribute changes of one tenant write; `version` and `updatedAt` are always set. */
export interface TenantUpdate {
  readonly set?: Readonly<Record<string, AttributeValue>>;
  readonly remove?: readonly string[];
}

/** One page of a region's tenants from the `byRegion` index. */
export interface TenantPage {
  readonly tenants: readonly TenantSnapshot[];
  /** Pass back as `startKey` for the next page; undefined on the last page. */
  readonly nextKey: Item | undefined;
}

/** An audit entry (`AUDIT#<tenant>#<at>#<id>`), never read by the router. */
export interface AuditEntry {
  readonly tenantId: string;
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly actor: string;
  readonly details: Readonly<Record<string, string>>;
}

/** Options of {@link createTenantTable}. */
export interface TenantTableOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** @default Date.now */
  readonly clock?: Clock;
}

/** The router table as the operator tools see it. */
export type TenantTable = ReturnType<typeof createTenantTable>;

/** Creates the table accessor. */
export function createTenantTable(options: TenantTableOptions) {
  const { client, tableName } = options;
  const clock = options.clock ?? Date.now;
  const nowIso = () => new Date(clock()).toISOString();

  const getItem = async (pk: string): Promise<Item | undefined> => {
    const out = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
    return out.Item;
  };

  const conditional = async <T>(write: () => Promise<T>, conflict: string): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(conflict);
      throw error;
    }
  };

  return {
    tableName,
    now: nowIso,

    /** Reads a tenant; undefined when absent. Throws MalformedItemError for a bad item. */
    async getTenant(tenantId: string): Promise<TenantSnapshot | undefined> {
      const item = await getItem(tenantKey(tenantId));
      return item === undefined ? undefined : { record: parseTenantItem(item), item };
    },

    /** Reads a domain item; undefined when absent. */
    async getDomain(host: string): Promise<DomainRecord | undefined> {
      const item = await getItem(domainKey(host));
      return item === undefined ? undefined : parseDomainItem(item);
    },

    /** Reads the regions item; undefined when absent. */
    async getRegions(): Promise<RegionsRecord | undefined> {
      const item = await getItem(REGIONS_KEY);
      return item === undefined ? undefined : parseRegionsItem(item);
    },

    /**
     * Writes the regions item, conditional on the version read (`undefined`: must not exist yet).
     * The written record carries `expectedVersion + 1`.
     */
    async putRegions(
      regions: ReadonlyMap<Region, RegionRecord>,
      expectedVersion: number | undefined,
    ): Promise<RegionsRecord> {
      const record: RegionsRecord = { regions, version: (expectedVersion ?? 0) + 1 };
      await conditional(
        () =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: regionsToItem(record, nowIso()),
              ConditionExpression:
                expectedVersion === undefined ? 'attribute_not_exists(pk)' : '#version = :expected',
              ...(expectedVersion === undefined
                ? {}
                : {
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
                  }),
            }),
          ),
        'the regions item changed concurrently; retry',
      );
      return record;
    },

    /** Creates a tenant item; throws {@link VersionConflictError} when it already exists. */
    async createTenant(record: Omit<TenantRecord, 'version' | 'updatedAt'>): Promise<TenantSnapshot> {
      const full: TenantRecord = { ...record, version: 1, updatedAt: nowIso() };
      const item = tenantToItem(full);
      await conditional(
        () =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        `tenant ${record.tenantId} already exists`,
      );
      return { record: full, item };
    },

    /**
     * Updates a tenant conditional on `expectedVersion`, bumping `version` and `updatedAt`.
     * Throws {@link VersionConflictError} when the version moved on or the tenant is gone.
     */
    async updateTenant(
      tenantId: string,
      expectedVersion: number,
      update: TenantUpdate,
    ): Promise<TenantSnapshot> {
      const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
      const values: Record<string, AttributeValue> = {
        ':expected': { N: String(expectedVersion) },
        ':next': { N: String(expectedVersion + 1) },
        ':now': { S: nowIso() },
      };
      const sets = ['#version = :next', '#updatedAt = :now'];
      let i = 0;
      for (const [name, value] of Object.entries(update.set ?? {})) {
        names[`#s${i}`] = name;
        values[`:s${i}`] = value;
        sets.push(`#s${i} = :s${i}`);
        i++;
      }
      const removes = (update.remove ?? []).map((name, j) => {
        names[`#r${j}`] = name;
        return `#r${j}`;
      });
      const expression = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
      const out = await conditional(
        () =>
          client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { pk: { S: tenantKey(tenantId) } },
              UpdateExpression: expression,
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            }),
          ),
        `tenant ${tenantId} changed concurrently (version ${expectedVersion} is stale)`,
      );
      const item = out.Attributes ?? {};
      return { record: parseTenantItem(item), item };
    },

    /** Deletes a tenant item conditional on `expectedVersion`. */
    async deleteTenant(tenantId: string, expectedVersion: number): Promise<void> {
      await conditional(
        () =>
          client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: { pk: { S: tenantKey(tenantId) } },
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
            }),
          ),
        `tenant ${tenantId} changed concurrently`,
      );
    },

    /**
     * Claims a host for a tenant: creates the domain item, or keeps it when the tenant already
     * holds it (its path map is kept). Returns false, writing nothing, when another tenant holds it.
     */
    async claimDomain(host: string, tenantId: TenantId): Promise<boolean> {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: domainKey(host) } },
            UpdateExpression:
              'SET #kind = :kind, #tenantId = :me, #updatedAt = if_not_exists(#updatedAt, :now)',
            ConditionExpression: 'attribute_not_exists(pk) OR #tenantId = :me',
            ExpressionAttributeNames: { '#kind': 'kind', '#tenantId': 'tenantId', '#updatedAt': 'updatedAt' },
            ExpressionAttributeValues: {
              ':kind': { S: 'domain' },
              ':me': { S: tenantId },
              ':now': { S: nowIso() },
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /**
     * Releases a host if (and only if) the tenant holds it. Returns whether an item was deleted;
     * an absent item or one held by another tenant is left alone.
     */
    async releaseDomain(host: string, tenantId: TenantId): Promise<boolean> {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: domainKey(host) } },
            ConditionExpression: '#tenantId = :me',
            ExpressionAttributeNames: { '#tenantId': 'tenantId' },
            ExpressionAttributeValues: { ':me': { S: tenantId } },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /**
     * One page of a region's tenants from the `byRegion` index (never a Scan). `filter` is a
     * server-side FilterExpression over `#status` / `#migration` with its values.
     */
    async queryRegion(
      region: string,
      page: {
        readonly limit?: number;
        readonly startKey?: Item | undefined;
        readonly status?: string | undefined;
        readonly migratingFrom?: string | undefined;
      } = {},
    ): Promise<TenantPage> {
      const names: Record<string, string> = { '#region': 'region' };
      const values: Record<string, AttributeValue> = { ':region': { S: region } };
      const filters: string[] = [];
      if (page.status !== undefined) {
        names['#status'] = 'status';
        values[':status'] = { S: page.status };
        filters.push('#status = :status');
      }
      if (page.migratingFrom !== undefined) {
        names['#migration'] = 'migration';
        names['#from'] = 'from';
        values[':from'] = { S: page.migratingFrom };
        filters.push('#migration.#from = :from');
      }
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: REGION_INDEX,
          KeyConditionExpression: '#region = :region',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(page.limit === undefined ? {} : { Limit: page.limit }),
          ...(page.startKey === undefined ? {} : { ExclusiveStartKey: page.startKey }),
        }),
      );
      return {
        tenants: (out.Items ?? []).map((item) => ({ record: parseTenantItem(item), item })),
        nextKey: out.LastEvaluatedKey,
      };
    },

    /** Writes an audit entry; writing the same entry twice leaves one item. */
    async putAudit(entry: AuditEntry): Promise<void> {
      const details: Item = {};
      for (const [k, v] of Object.entries(entry.details)) details[k] = { S: v };
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: auditKey(entry.tenantId, entry.at, entry.id) },
            kind: { S: 'audit' },
            tenantId: { S: entry.tenantId },
            action: { S: entry.action },
            actor: { S: entry.actor },
            at: { S: entry.at },
            details: { M: details },
          },
        }),
      );
    },
  };
}
