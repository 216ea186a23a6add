/**
 * The local edge's data: one store per replica region (dynalite, in memory or each in its own
 * folder), the router table in each, the demo data written into each where items do not exist
 * yet (the table's initial state, the same in every replica), and the replicator between them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from '../../edge/config.ts';
import { type LagDistribution, lagSampler } from '../lib/replication/lag-distribution.ts';
import {
  ReplicaStoreLayoutError,
  type ReplicaStores,
  startReplicaStores,
} from '../lib/replication/replica-stores.ts';
import { createReplicator, type Replicator } from '../lib/replication/replicator.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import { type DemoData, demoData, seedDemoData } from './demo-data.ts';
import { LocalEdgeStartError } from './local-edge-errors.ts';

/** Options of {@link startLocalData}. */
export interface LocalDataOptions {
  /** The draft configuration: table name, platform domain, replica regions. */
  readonly config: RouterConfig;
  readonly host: string;
  /** Folder to persist the data in, one folder per replica region. @default in memory */
  readonly dataDir?: string | undefined;
  /** Write the demo data. */
  readonly seed: boolean;
  /** The lag of each replicated write. */
  readonly replicationLag: LagDistribution;
  /** Added to each replicated write from `source` to `target` (the emulated distance), ms. */
  readonly distanceMs: (source: string, target: string) => number;
  /** Draws the lags. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Hears replication problems. @default none */
  readonly log?: ((line: string) => void) | undefined;
}

/** The running data. */
export interface LocalData {
  readonly stores: ReplicaStores;
  readonly replicator: Replicator;
  readonly demo: DemoData;
  /** False once {@link stopStores} ran. */
  readonly running: boolean;
  /**
   * Writes the same initial data into every replica's store directly (not replicated): set-up
   * before traffic, as a table created with its items would be.
   */
  writeInitialData(write: (client: DynamoDBClient, region: string) => Promise<unknown>): Promise<void>;
  /** Stops every store for good (in-memory data is lost). */
  stopStores(): Promise<void>;
  /** Applies pending replication, then stops the replicator and the stores. */
  close(): Promise<void>;
}

/** Starts the stores, creates the table, seeds the demo data and starts replication. */
export async function startLocalData(options: LocalDataOptions): Promise<LocalData> {
  const { config } = options;
  const stores = await startReplicaStores({
    regions: config.replicaRegions,
    host: options.host,
    dataDir: options.dataDir,
  }).catch((error: unknown) => {
    // A --data folder of the old layout is the caller's input: one line and exit code 2 on the CLI.
    throw error instanceof ReplicaStoreLayoutError ? new LocalEdgeStartError(error.message) : error;
  });
  const sample = lagSampler(options.replicationLag, options.random ?? Math.random);
  const replicator = createReplicator({
    stores: stores.clients,
    lagMs: (source, target) => sample() + options.distanceMs(source, target),
    onError: (error, region) =>
      options.log?.(`replication into ${region}: ${error instanceof Error ? error.message : String(error)}`),
  });
  const writeInitialData = async (write: (client: DynamoDBClient, region: string) => Promise<unknown>) => {
    await Promise.all([...stores.clients].map(([region, client]) => write(client, region)));
  };
  const data: LocalData = {
    stores,
    replicator,
    demo: demoData({
      platformDomain: config.platformDomains[0] ?? 'app.example.com',
      regions: config.replicaRegions,
      now: new Date().toISOString(),
    }),
    get running() {
      return stores.running;
    },
    writeInitialData,
    stopStores: () => stores.stop(),
    async close() {
      // Persisted replicas should agree when they are opened again.
      if (stores.running) await replicator.flush().catch(() => {});
      replicator.close();
      await stores.close();
    },
  };
  try {
    await writeInitialData((client) => ensureRouterTable(client, config.tableName));
    if (options.seed) await writeInitialData((client) => seedDemoData(client, config.tableName, data.demo));
    return data;
  } catch (error) {
    await data.close();
    throw error;
  }
}
