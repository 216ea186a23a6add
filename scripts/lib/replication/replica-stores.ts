/**
 * One DynamoDB-compatible store per replica region (a dynalite server each, in memory or in its
 * own folder), with their admin clients: the storage under the local replicas. Writes to a store
 * directly are not replicated; the replica endpoints write through the replicator.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startAll } from '../cleanup-stack.ts';
import { type DynaliteServer, startDynalite } from '../dynalite-server.ts';
import { localDynamoDBClient } from '../local-dynamodb-client.ts';

/** A `dataDir` whose layout is not one folder per replica region (bad input, not a bug). */
export class ReplicaStoreLayoutError extends Error {
  override readonly name = 'ReplicaStoreLayoutError';
}

/** One region's store. */
export interface ReplicaStore {
  readonly region: string;
  /** The dynalite server itself, `http://127.0.0.1:<port>` (no faults, no replication). */
  readonly endpoint: string;
  /** An admin client of it (local credentials), signing for the region. */
  readonly client: DynamoDBClient;
}

/** The running stores. */
export interface ReplicaStores {
  readonly byRegion: ReadonlyMap<string, ReplicaStore>;
  /** Region -> admin client, what the replicator writes through. */
  readonly clients: ReadonlyMap<string, DynamoDBClient>;
  /** False once {@link stop} ran. */
  readonly running: boolean;
  /** Stops every server for good (in-memory data is lost); the clients stay usable for errors. */
  stop(): Promise<void>;
  /** Stops the servers (if still running) and destroys the clients. */
  close(): Promise<void>;
}

/** Options of {@link startReplicaStores}. */
export interface ReplicaStoresOptions {
  readonly regions: readonly string[];
  readonly host: string;
  /** Persist each region's data in `<dataDir>/<region>`. @default in memory */
  readonly dataDir?: string | undefined;
}

/**
 * Starts one store per region. A `dataDir` that holds a single store of the layout before
 * per-replica stores (a LevelDB `CURRENT` file at its top) is refused with a message saying how
 * to move it.
 */
export async function startReplicaStores(options: ReplicaStoresOptions): Promise<ReplicaStores> {
  const { dataDir } = options;
  if (dataDir !== undefined && existsSync(join(dataDir, 'CURRENT'))) {
    throw new ReplicaStoreLayoutError(
      `${dataDir} holds one DynamoDB store from before per-replica stores; move its files into ${join(dataDir, options.regions[0] ?? 'us-east-1')} (one folder per replica region) or use a new folder`,
    );
  }
  const servers = await startAll(
    options.regions.map(async (region) => {
      const path = dataDir === undefined ? undefined : join(dataDir, region);
      if (path !== undefined) await mkdir(path, { recursive: true });
      const server = await startDynalite({ host: options.host, ...(path === undefined ? {} : { path }) });
      return { region, server, close: () => server.close() };
    }),
  );
  const byRegion = new Map<string, ReplicaStore>(
    servers.map(({ region, server }) => [
      region,
      { region, endpoint: server.endpoint, client: localDynamoDBClient(server.endpoint, region) },
    ]),
  );
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= Promise.all(servers.map(({ server }: { server: DynaliteServer }) => server.close())).then(
      () => {},
    );
    return stopped;
  };
  return {
    byRegion,
    clients: new Map([...byRegion].map(([region, store]) => [region, store.client])),
    get running() {
      return stopped === undefined;
    },
    stop,
    async close() {
      for (const store of byRegion.values()) store.client.destroy();
      await stop();
    },
  };
}
