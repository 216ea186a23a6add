/**
 * The router table on an in-process dynalite server, reached with the real AWS SDK: start it,
 * seed items, stop it.
 */
import { BatchWriteItemCommand, DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Item, PARTITION_KEY } from '../../edge/items.ts';
import { type DynaliteServer, startDynalite } from '../../scripts/lib/dynalite-server.ts';
import { LOCAL_CREDENTIALS } from '../../scripts/lib/local-credentials.ts';
import { ensureRouterTable } from '../../scripts/lib/router-table.ts';

/** A running local table. */
export interface LocalTable {
  /** The server's endpoint URL, to use as `config.endpoints[region]`. */
  readonly endpoint: string;
  readonly tableName: string;
  /** An admin client (local credentials) for seeding and inspection. */
  readonly client: DynamoDBClient;
  /** Writes items (replacing any with the same `pk`). */
  seed(items: readonly Item[]): Promise<void>;
  /** Deletes the item with this key. */
  deleteItem(key: string): Promise<void>;
  /** Stops the server (open connections are cut) and the client. */
  close(): Promise<void>;
}

/** Options of {@link startLocalTable}. */
export interface LocalTableOptions {
  /** @default 'tenant-routes' */
  readonly tableName?: string;
}

const BATCH_SIZE = 25;

/** Starts dynalite on an ephemeral loopback port and creates the router table in it. */
export async function startLocalTable(options: LocalTableOptions = {}): Promise<LocalTable> {
  const tableName = options.tableName ?? 'tenant-routes';
  const server: DynaliteServer = await startDynalite();
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  await ensureRouterTable(client, tableName);
  return {
    endpoint: server.endpoint,
    tableName,
    client,
    async seed(items) {
      for (let start = 0; start < items.length; start += BATCH_SIZE) {
        let requests = items.slice(start, start + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
        // dynalite processes whole batches, but honour UnprocessedItems as DynamoDB may return them.
        while (requests.length > 0) {
          const out = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
          );
          requests = (out.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
            r.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: r.PutRequest.Item } }],
          );
        }
      }
    },
    async deleteItem(key) {
      await client.send(
        new DeleteItemCommand({ TableName: tableName, Key: { [PARTITION_KEY]: { S: key } } }),
      );
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
