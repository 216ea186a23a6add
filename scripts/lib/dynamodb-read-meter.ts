/**
 * Counts the router's table reads (GetItem and BatchGetItem requests, and the items they ask for) and optionally slows them down, by a middleware
 * on the DynamoDB clients handed to the store: the store under test stays the real one. Used by
 * the load test's in-process mode and the benchmarks.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from '../../edge/config.ts';
import { createReplicaClient } from '../../edge/dynamodb-tenant-store.ts';
import type { Region } from '../../edge/model.ts';

/** Counts read requests (GetItem and BatchGetItem) made through the clients it has instrumented. */
export interface ReadMeter {
  /** Read requests so far, all regions (a BatchGetItem counts once). */
  readonly reads: number;
  /** Items asked for by those requests (a BatchGetItem counts each of its keys). */
  readonly items: number;
  /** Read requests so far, per client region. */
  readonly readsByRegion: ReadonlyMap<string, number>;
  /** Adds the counting (and delaying) middleware to a client; returns the client. */
  instrument(client: DynamoDBClient, region: string): DynamoDBClient;
}

/** Options of {@link createReadMeter}. */
export interface ReadMeterOptions {
  /**
   * Extra latency added before each GetItem is sent, in ms, per region, to emulate far replicas.
   * Keep it under the lookup attempt timeout: the delay itself is not abortable. @default none
   */
  readonly addedLatencyMs?: (region: string) => number;
  /**
   * Called with the partition key of each item read (`TENANT#lt-000001`; each key of a
   * BatchGetItem), to attribute reads. @default none
   */
  readonly onRead?: (key: string | undefined, region: string) => void;
}

/** Creates a read meter. */
export function createReadMeter(options: ReadMeterOptions = {}): ReadMeter {
  let reads = 0;
  let items = 0;
  const byRegion = new Map<string, number>();
  return {
    get reads() {
      return reads;
    },
    get items() {
      return items;
    },
    readsByRegion: byRegion,
    instrument(client, region) {
      const delay = options.addedLatencyMs?.(region) ?? 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const keys = keysAskedFor(context.commandName ?? '', args.input);
          if (keys > 0) {
            reads++;
            items += keys;
            for (const key of keysOf(context.commandName ?? '', args.input)) options.onRead?.(key, region);
            byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
            if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
          }
          return next(args);
        },
        { step: 'initialize', name: 'loadTestReadMeter' },
      );
      return client;
    },
  };
}

/** The partition keys a read command asks for: a GetItem's one, a BatchGetItem's each; none for anything else. */
function keysOf(commandName: string, input: unknown): (string | undefined)[] {
  type Key = { pk?: { S?: string } };
  if (commandName === 'GetItemCommand') return [(input as { Key?: Key }).Key?.pk?.S];
  if (commandName !== 'BatchGetItemCommand') return [];
  const requests = (input as { RequestItems?: Record<string, { Keys?: readonly Key[] }> }).RequestItems;
  return Object.values(requests ?? {}).flatMap((table) => (table.Keys ?? []).map((key) => key.pk?.S));
}

/** How many items a read command asks for. */
function keysAskedFor(commandName: string, input: unknown): number {
  return keysOf(commandName, input).length;
}

/** The router's own replica clients, metered, for `clientForRegion` of the router's assembly. */
export interface MeteredRouterClients {
  /** Exactly the router's client of `region` (one attempt, abortable, keep-alive), metered. */
  readonly clientForRegion: (region: Region) => DynamoDBClient;
  /** Destroys every client made so far. */
  close(): void;
}

/**
 * Makes the router's replica clients (`createReplicaClient`, at the configured endpoints of
 * `edgeRegion`) through `meter`, so what is counted is what the router really sends.
 */
export function meteredRouterClients(
  config: RouterConfig,
  meter: ReadMeter,
  edgeRegion?: string,
): MeteredRouterClients {
  const clients: DynamoDBClient[] = [];
  return {
    clientForRegion(region) {
      const client = createReplicaClient(config, region, edgeRegion);
      clients.push(client);
      return meter.instrument(client, region);
    },
    close() {
      for (const client of clients.splice(0)) client.destroy();
    },
  };
}
