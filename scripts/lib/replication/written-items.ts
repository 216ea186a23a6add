/**
 * Which items a DynamoDB write request changed, read from the request (and, for a batch, its
 * answer): what the replicator reads back and copies to the other replicas. DynamoDB's JSON
 * protocol names the operation in `X-Amz-Target`. Pure.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** An item or key in DynamoDB JSON. */
export type AttributeMap = Readonly<Record<string, AttributeValue>>;

/** The write operations a replica endpoint captures (dynalite has no transactions). */
export const WRITE_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'] as const;
/** One of {@link WRITE_OPERATIONS}. */
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

/** An item a write touched: its table and either its key or the whole item written (PutItem). */
export type WrittenItem =
  | { readonly table: string; readonly key: AttributeMap }
  | { readonly table: string; readonly item: AttributeMap };

const TARGET_PREFIX = 'DynamoDB_20120810.';

/** The write operation an `X-Amz-Target` header names, or undefined for anything else (reads). */
export function writeOperationOf(target: string | string[] | undefined): WriteOperation | undefined {
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
  const name = target.slice(TARGET_PREFIX.length);
  return (WRITE_OPERATIONS as readonly string[]).includes(name) ? (name as WriteOperation) : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The items a successful write changed: its `Key` or `Item`, or each request of a batch that did
 * not come back in `UnprocessedItems`. Malformed input gives no items (the server refused it).
 */
export function writtenItems(operation: WriteOperation, request: unknown, response: unknown): WrittenItem[] {
  if (!isRecord(request)) return [];
  const table = request.TableName;
  if (operation === 'PutItem') {
    return typeof table === 'string' && isRecord(request.Item)
      ? [{ table, item: request.Item as AttributeMap }]
      : [];
  }
  if (operation === 'UpdateItem' || operation === 'DeleteItem') {
    return typeof table === 'string' && isRecord(request.Key)
      ? [{ table, key: request.Key as AttributeMap }]
      : [];
  }
  return batchWrittenItems(request.RequestItems, isRecord(response) ? response.UnprocessedItems : undefined);
}

function batchWrittenItems(requestItems: unknown, unprocessed: unknown): WrittenItem[] {
  if (!isRecord(requestItems)) return [];
  const written: WrittenItem[] = [];
  for (const [table, requests] of Object.entries(requestItems)) {
    if (!Array.isArray(requests)) continue;
    const left = isRecord(unprocessed) && Array.isArray(unprocessed[table]) ? unprocessed[table] : [];
    const leftOver = new Set(left.map((r) => JSON.stringify(r)));
    for (const request of requests) {
      if (!isRecord(request) || leftOver.has(JSON.stringify(request))) continue;
      const put = request.PutRequest;
      const del = request.DeleteRequest;
      if (isRecord(put) && isRecord(put.Item)) written.push({ table, item: put.Item as AttributeMap });
      else if (isRecord(del) && isRecord(del.Key)) written.push({ table, key: del.Key as AttributeMap });
    }
  }
  return written;
}

/** The key of a written item under the table's key attribute names. */
export function keyOf(written: WrittenItem, keyAttributes: readonly string[]): AttributeMap {
  if ('key' in written) return written.key;
  const key: Record<string, AttributeValue> = {};
  for (const name of keyAttributes) {
    const value = written.item[name];
    if (value !== undefined) key[name] = value;
  }
  return key;
}

/** A stable identity of one item of one table: the table and its key, attribute names sorted. */
export function itemIdentity(table: string, key: AttributeMap): string {
  const names = Object.keys(key).sort();
  return `${table}\u0000${JSON.stringify(names.map((n) => [n, key[n]]))}`;
}
