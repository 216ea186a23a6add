/**
 * The clients a migration reads each replica through, for its propagation wait: a running local
 * edge's operator endpoint per replica (`--local-edge URL` / `LOCAL_EDGE_CONTROL`, the world
 * `npm start` prints), or AWS's regional endpoint of every replica region of the configuration.
 * With only an `--endpoint`, the replicas cannot be told apart and the wait is the bound on the
 * clock, said in a note.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { asRegion, type Region } from '../../../edge/model.ts';
import type { CliIO } from '../cli-io.ts';
import { localDynamoDBClient } from '../local-dynamodb-client.ts';
import { readLocalEdgeWorld } from '../local-edge-world.ts';
import { SDK_AWS_CLIENTS } from '../table-client.ts';
import type { Connection } from '../tenants/table-connection.ts';
import { type ReplicaVersionReader, replicaVersionReader } from './replica-versions.ts';

/** A reader of every replica (or why there is none), and its clients to close. */
export interface ReplicaReaders {
  readonly read: ReplicaVersionReader | undefined;
  /** Why the replicas are not read one by one, when they are not. */
  readonly note: string | undefined;
  close(): void;
}

/** The replica reader a migration over `connection` can have. */
export async function replicaReadersOf(
  connection: Connection,
  io: CliIO,
  localEdge: string | undefined,
): Promise<ReplicaReaders> {
  const control = localEdge ?? (io.env.LOCAL_EDGE_CONTROL || undefined);
  const clients = new Map<Region, DynamoDBClient>();
  if (control !== undefined) {
    const world = await readLocalEdgeWorld(control);
    for (const [name, endpoint] of Object.entries(world.endpoints)) {
      const region = asRegion(name);
      if (region !== undefined) clients.set(region, localDynamoDBClient(endpoint, region));
    }
  } else if (connection.target.endpoint !== undefined) {
    return {
      read: undefined,
      note: `replicas not read one by one (only ${connection.target.endpoint} is known; LOCAL_EDGE_CONTROL names each replica of a local edge): the waits are the staleness bound on the clock`,
      close() {},
    };
  } else {
    const aws = io.aws ?? SDK_AWS_CLIENTS;
    for (const region of connection.config.replicaRegions) clients.set(region, aws.dynamodb(region));
  }
  return {
    read: replicaVersionReader(clients, connection.target.tableName),
    note: undefined,
    close() {
      for (const client of clients.values()) client.destroy();
    },
  };
}
