/**
 * What each replica of the global table holds of a tenant: the version (and home region) its
 * tenant item has there, read through a client per replica. The migration's propagation wait
 * reads it until every replica holds the version it wrote (replica-propagation.ts).
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PARTITION_KEY, parseTenantItem, tenantKey } from '../../../edge/items.ts';
import type { Region, TenantId } from '../../../edge/model.ts';

/** One replica's copy of a tenant item. */
export interface ReplicaVersion {
  readonly region: Region;
  /** The item's version there; undefined when the item is not there (or the read failed). */
  readonly version?: number | undefined;
  /** The read's error, when it failed (the replica unreachable, a malformed item). */
  readonly error?: string | undefined;
}

/** How long one replica's read may take before that replica counts as unreadable this round. */
const READ_TIMEOUT_MS = 3_000;

/** Reads the tenant's item in every replica. */
export type ReplicaVersionReader = (tenantId: TenantId) => Promise<readonly ReplicaVersion[]>;

/**
 * A reader over one client per replica region. Each read is eventually consistent, as the edge's
 * are: a version seen this way is one the replica serves.
 *
 * @example
 * const read = replicaVersionReader(new Map([[region, client]]), 'tenant-routes');
 * await read(tenantId); // [{ region: 'us-east-1', version: 7 }, ...]
 */
export function replicaVersionReader(
  clients: ReadonlyMap<Region, DynamoDBClient>,
  tableName: string,
): ReplicaVersionReader {
  return (tenantId) =>
    Promise.all(
      [...clients].map(async ([region, client]): Promise<ReplicaVersion> => {
        try {
          const { Item } = await client.send(
            new GetItemCommand({
              TableName: tableName,
              Key: { [PARTITION_KEY]: { S: tenantKey(tenantId) } },
              ConsistentRead: false,
            }),
            // A replica that does not answer is behind, not a reason to wait forever.
            { abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS) },
          );
          return { region, version: Item === undefined ? undefined : parseTenantItem(Item).version };
        } catch (error) {
          return {
            region,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          };
        }
      }),
    );
}
