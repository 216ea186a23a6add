/**
 * The local edge's data: the embedded DynamoDB server (dynalite, in memory or persisted), the
 * router table, and the demo data, written only where items do not exist yet.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from '../../edge/config.ts';
import { startDynalite } from '../lib/dynalite-server.ts';
import { localDynamoDBClient } from '../lib/local-dynamodb-client.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import { type DemoData, demoData, seedDemoData } from './demo-data.ts';

/** Options of {@link startLocalData}. */
export interface LocalDataOptions {
  /** The draft configuration: table name, platform domain, replica regions. */
  readonly config: RouterConfig;
  readonly host: string;
  /** Region the admin client signs for. */
  readonly region: string;
  /** Folder to persist the data in. @default in memory */
  readonly dataDir?: string | undefined;
  /** Write the demo data. */
  readonly seed: boolean;
}

/** The running data. */
export interface LocalData {
  /** The DynamoDB server itself, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** A client of the server (local credentials). */
  readonly client: DynamoDBClient;
  readonly demo: DemoData;
  /** False once {@link stopServer} ran. */
  readonly running: boolean;
  /** Stops the server for good (in-memory data is lost); the client stays usable for errors. */
  stopServer(): Promise<void>;
  /** Stops the server (if still running) and destroys the client. */
  close(): Promise<void>;
}

/** Starts the server, creates the table and seeds the demo data. */
export async function startLocalData(options: LocalDataOptions): Promise<LocalData> {
  const { config } = options;
  const server = await startDynalite({
    host: options.host,
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
  });
  const client = localDynamoDBClient(server.endpoint, options.region);
  let stopped: Promise<void> | undefined;
  const stopServer = () => {
    stopped ??= server.close();
    return stopped;
  };
  const data: LocalData = {
    endpoint: server.endpoint,
    client,
    demo: demoData({
      platformDomain: config.platformDomains[0] ?? 'app.example.com',
      regions: config.replicaRegions,
      now: new Date().toISOString(),
    }),
    get running() {
      return stopped === undefined;
    },
    stopServer,
    async close() {
      client.destroy();
      await stopServer();
    },
  };
  try {
    await ensureRouterTable(client, config.tableName);
    if (options.seed) await seedDemoData(client, config.tableName, data.demo);
    return data;
  } catch (error) {
    await data.close();
    throw error;
  }
}
