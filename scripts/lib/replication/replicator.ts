/**
 * Asynchronous replication between the local replicas, as DynamoDB global tables (multi-region,
 * eventually consistent) do it: a write is performed and its conditions checked in the one
 * replica it was sent to; what it changed is read back and applied to every other replica after a
 * lag; concurrent writes to one item are resolved by last writer wins. The write stamps used for
 * that are kept here, never in the items, so nothing a client reads gains an attribute.
 *
 * A replica region can be paused (the `replication` fault): writes into it queue up, its lag
 * grows, and they are applied in order once it is resumed.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type RegionLock, regionLock } from './region-lock.ts';
import { realScheduler, type Scheduler, type Timer } from './scheduler.ts';
import { type AttributeMap, itemIdentity, keyOf, type WrittenItem } from './written-items.ts';

/** A write's outcome, and the items it changed (none when it failed or changed nothing). */
export interface PerformedWrite<T> {
  readonly result: T;
  readonly written: readonly WrittenItem[];
}

/** Replication into one region, as `status()` reports it. */
export interface ReplicationTargetStatus {
  readonly paused: boolean;
  /** Replicated writes waiting (for their lag, or for the pause to end). */
  readonly pending: number;
  readonly applied: number;
  /** Replicated writes not applied because the replica already held a later write of the item. */
  readonly superseded: number;
  /** Replicated writes dropped because the replica has no such table. */
  readonly dropped: number;
  /** How long the oldest pending write has waited, ms (0: none pending). */
  readonly oldestPendingMs: number;
  /** Time from write to apply of the last applied write, ms. */
  readonly lastLagMs: number | null;
}

/** Options of {@link createReplicator}. */
export interface ReplicatorOptions {
  /** Each replica region's own store (what replication writes to directly). */
  readonly stores: ReadonlyMap<string, DynamoDBClient>;
  /** The lag of one replicated write from `source` to `target`, ms (sampled per write). */
  readonly lagMs: (source: string, target: string) => number;
  /** @default the real clock and timers */
  readonly scheduler?: Scheduler;
  /** Hears an apply that failed (it is retried) or a write whose changes could not be read back. */
  readonly onError?: (error: unknown, region: string) => void;
}

/** The running replication between the stores. */
export interface Replicator {
  readonly regions: readonly string[];
  /**
   * Runs `perform` (a write to `region`'s store) in turn with the region's other writes, then
   * replicates the items it reports as written. Resolves with the write's own result.
   */
  write<T>(region: string, perform: () => Promise<PerformedWrite<T>>): Promise<T>;
  /** Stops applying replicated writes to `region` (they queue up). */
  pause(region: string): void;
  /** Applies what queued up for `region` (each after its lag) and goes on replicating into it. */
  resume(region: string): void;
  isPaused(region: string): boolean;
  /** Resolves once nothing is pending or being applied, paused regions aside. */
  drained(): Promise<void>;
  /** Applies everything pending at once, paused regions included (before the stores close). */
  flush(): Promise<void>;
  status(): Record<string, ReplicationTargetStatus>;
  /** Cancels the timers; pending writes are kept for `flush`. */
  close(): void;
}

/** One replicated write of one item, on its way to a target. */
interface Replicated {
  readonly id: string;
  readonly table: string;
  readonly key: AttributeMap;
  /** The item as the source held it after the write; undefined: deleted. */
  readonly item: AttributeMap | undefined;
  /** Last-writer-wins stamp of the write. */
  readonly stamp: number;
  readonly writtenAt: number;
  readonly dueAt: number;
}

/** Mutable per-target state. */
interface Target {
  readonly lock: RegionLock;
  /** Item identity -> stamp of the write the replica holds. */
  readonly versions: Map<string, number>;
  /** Pending writes, ordered by due time. */
  readonly queue: Replicated[];
  paused: boolean;
  /** The apply in progress, if any. */
  applying: Promise<void> | undefined;
  timer: Timer | undefined;
  timerAt: number;
  applied: number;
  superseded: number;
  dropped: number;
  lastLagMs: number | null;
}

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const RETRY_MS = 100;

/**
 * Starts replication between `options.stores`.
 *
 * @example
 * const replicator = createReplicator({ stores, lagMs: () => 500 });
 * await replicator.write('us-east-1', async () => ({ result, written }));
 * await replicator.drained(); // every replica has it
 */
export function createReplicator(options: ReplicatorOptions): Replicator {
  return new LocalReplicator(options);
}

class LocalReplicator implements Replicator {
  readonly regions: readonly string[];
  readonly #options: ReplicatorOptions;
  readonly #scheduler: Scheduler;
  readonly #onError: (error: unknown, region: string) => void;
  readonly #targets: Map<string, Target>;
  /** `source>target` -> due time of the last write queued on that path. */
  readonly #lastDue = new Map<string, number>();
  readonly #keySchemas = new Map<string, Promise<string[]>>();
  readonly #waiters: (() => void)[] = [];
  #lastStamp = 0;
  #closed = false;

  constructor(options: ReplicatorOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#onError = options.onError ?? (() => {});
    this.regions = [...options.stores.keys()];
    this.#targets = new Map(this.regions.map((r) => [r, newTarget()]));
  }

  write<T>(region: string, perform: () => Promise<PerformedWrite<T>>): Promise<T> {
    const source = this.#target(region);
    return source.lock.run(async () => {
      const stamp = this.#nextStamp();
      const writtenAt = this.#scheduler.now();
      const { result, written } = await perform();
      if (written.length === 0) return result;
      let states: ItemState[];
      try {
        states = await this.#readBack(region, written);
      } catch (error) {
        // The write stands in its own region; it just does not replicate (reported).
        this.#onError(error, region);
        return result;
      }
      for (const state of states) {
        source.versions.set(state.id, stamp);
        for (const other of this.regions)
          if (other !== region) this.#enqueue(region, other, { ...state, stamp, writtenAt });
      }
      return result;
    });
  }

  pause(region: string): void {
    const target = this.#target(region);
    target.paused = true;
    target.timer?.cancel();
    target.timer = undefined;
    this.#notifyIfDrained();
  }

  resume(region: string): void {
    this.#target(region).paused = false;
    this.#schedule(region);
  }

  isPaused(region: string): boolean {
    return this.#target(region).paused;
  }

  drained(): Promise<void> {
    if (this.#isDrained()) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async flush(): Promise<void> {
    for (const region of this.regions) {
      const target = this.#target(region);
      target.timer?.cancel();
      target.timer = undefined;
      // Wait out an apply in progress, then take everything left.
      if (target.applying !== undefined) await target.applying;
      await this.#applyDue(region, true);
    }
  }

  status(): Record<string, ReplicationTargetStatus> {
    const now = this.#scheduler.now();
    return Object.fromEntries(
      [...this.#targets].map(([region, t]) => [
        region,
        {
          paused: t.paused,
          pending: t.queue.length,
          applied: t.applied,
          superseded: t.superseded,
          dropped: t.dropped,
          oldestPendingMs: t.queue.length === 0 ? 0 : now - Math.min(...t.queue.map((e) => e.writtenAt)),
          lastLagMs: t.lastLagMs,
        } satisfies ReplicationTargetStatus,
      ]),
    );
  }

  close(): void {
    this.#closed = true;
    for (const target of this.#targets.values()) {
      target.timer?.cancel();
      target.timer = undefined;
    }
  }

  #target(region: string): Target {
    const target = this.#targets.get(region);
    if (target === undefined) throw new RangeError(`no replica region ${JSON.stringify(region)}`);
    return target;
  }

  #store(region: string): DynamoDBClient {
    return this.#options.stores.get(region) as DynamoDBClient;
  }

  /** Unique and increasing: two writes never tie, a later write always stamps higher. */
  #nextStamp(): number {
    this.#lastStamp = Math.max(this.#scheduler.now(), this.#lastStamp + 1);
    return this.#lastStamp;
  }

  #keyAttributes(region: string, table: string): Promise<string[]> {
    let schema = this.#keySchemas.get(table);
    if (schema === undefined) {
      schema = this.#store(region)
        .send(new DescribeTableCommand({ TableName: table }))
        .then((out) => (out.Table?.KeySchema ?? []).map((k) => k.AttributeName as string));
      schema.catch(() => this.#keySchemas.delete(table));
      this.#keySchemas.set(table, schema);
    }
    return schema;
  }

  /** The written items as the region's store now holds them (undefined: deleted). */
  async #readBack(region: string, written: readonly WrittenItem[]): Promise<ItemState[]> {
    const byTable = new Map<string, Map<string, AttributeMap>>();
    for (const w of written) {
      const key = keyOf(w, await this.#keyAttributes(region, w.table));
      const keys = byTable.get(w.table) ?? new Map<string, AttributeMap>();
      keys.set(itemIdentity(w.table, key), key);
      byTable.set(w.table, keys);
    }
    const states: ItemState[] = [];
    for (const [table, keys] of byTable) {
      const keyAttributes = await this.#keyAttributes(region, table);
      const found = await batchGet(this.#store(region), table, [...keys.values()], keyAttributes);
      for (const [id, key] of keys) states.push({ id, table, key, item: found.get(id) });
    }
    return states;
  }

  #enqueue(source: string, targetRegion: string, event: Omit<Replicated, 'dueAt'>): void {
    const target = this.#target(targetRegion);
    const pair = `${source}>${targetRegion}`;
    // Writes from one source reach a target in the order they were made, as a stream's would.
    const lag = this.#options.lagMs(source, targetRegion);
    const dueAt = Math.max(this.#scheduler.now() + lag, this.#lastDue.get(pair) ?? 0);
    this.#lastDue.set(pair, dueAt);
    let at = target.queue.length;
    while (at > 0 && (target.queue[at - 1] as Replicated).dueAt > dueAt) at--;
    target.queue.splice(at, 0, { ...event, dueAt });
    this.#schedule(targetRegion);
  }

  #schedule(region: string): void {
    const target = this.#target(region);
    if (this.#closed || target.paused || target.applying !== undefined) return;
    const head = target.queue[0];
    if (head === undefined) {
      target.timer?.cancel();
      target.timer = undefined;
      this.#notifyIfDrained();
      return;
    }
    if (head.dueAt <= this.#scheduler.now()) {
      void this.#applyDue(region);
      return;
    }
    if (target.timer !== undefined && target.timerAt <= head.dueAt) return;
    target.timer?.cancel();
    target.timerAt = head.dueAt;
    target.timer = this.#scheduler.setTimer(head.dueAt - this.#scheduler.now(), () => {
      target.timer = undefined;
      void this.#applyDue(region);
    });
  }

  #applyDue(region: string, all = false): Promise<void> {
    const target = this.#target(region);
    if (target.applying !== undefined || (target.paused && !all)) return target.applying ?? Promise.resolve();
    const now = this.#scheduler.now();
    let count = 0;
    while (count < target.queue.length && (all || (target.queue[count] as Replicated).dueAt <= now)) count++;
    if (count === 0) {
      this.#schedule(region);
      return Promise.resolve();
    }
    const due = target.queue.splice(0, count);
    const applying = target.lock
      .run(() => this.#applyEvents(region, target, due))
      .catch((error: unknown) => {
        target.queue.unshift(...due);
        this.#onError(error, region);
        if (!this.#closed) this.#scheduler.setTimer(RETRY_MS, () => void this.#applyDue(region));
      })
      .finally(() => {
        target.applying = undefined;
        this.#schedule(region);
        this.#notifyIfDrained();
      });
    target.applying = applying;
    return applying;
  }

  /** Applies the writes that are newer than what the replica holds (last writer wins). */
  async #applyEvents(region: string, target: Target, due: readonly Replicated[]): Promise<void> {
    const latest = new Map<string, Replicated>();
    for (const event of due) {
      const held = target.versions.get(event.id) ?? Number.NEGATIVE_INFINITY;
      const queued = latest.get(event.id);
      if (held >= event.stamp || (queued !== undefined && queued.stamp >= event.stamp)) {
        target.superseded++;
        continue;
      }
      if (queued !== undefined) target.superseded++;
      latest.set(event.id, event);
    }
    const byTable = new Map<string, Replicated[]>();
    for (const event of latest.values())
      byTable.set(event.table, [...(byTable.get(event.table) ?? []), event]);
    for (const [table, events] of byTable) {
      try {
        await batchWrite(this.#store(region), table, events);
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
        target.dropped += events.length;
        this.#onError(error, region);
        for (const e of events) latest.delete(e.id);
      }
    }
    const now = this.#scheduler.now();
    for (const event of latest.values()) {
      target.versions.set(event.id, event.stamp);
      target.applied++;
      target.lastLagMs = now - event.writtenAt;
    }
  }

  #isDrained(): boolean {
    for (const target of this.#targets.values()) {
      if (target.applying !== undefined) return false;
      if (!target.paused && target.queue.length > 0) return false;
    }
    return true;
  }

  #notifyIfDrained(): void {
    if (this.#waiters.length === 0 || !this.#isDrained()) return;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

/** An item as its source holds it after a write. */
interface ItemState {
  readonly id: string;
  readonly table: string;
  readonly key: AttributeMap;
  readonly item: AttributeMap | undefined;
}

function newTarget(): Target {
  return {
    lock: regionLock(),
    versions: new Map(),
    queue: [],
    paused: false,
    applying: undefined,
    timer: undefined,
    timerAt: 0,
    applied: 0,
    superseded: 0,
    dropped: 0,
    lastLagMs: null,
  };
}

/** Reads `keys` of `table` (strongly consistent: the store's own latest), by item identity. */
async function batchGet(
  store: DynamoDBClient,
  table: string,
  keys: readonly AttributeMap[],
  keyAttributes: readonly string[],
): Promise<Map<string, AttributeMap>> {
  const found = new Map<string, AttributeMap>();
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let request: AttributeMap[] | undefined = keys.slice(i, i + BATCH_GET_LIMIT) as AttributeMap[];
    for (let attempt = 0; request !== undefined && request.length > 0; attempt++) {
      if (attempt > 20) throw new Error(`reading back ${table} kept coming back unprocessed`);
      const output = await store.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: request, ConsistentRead: true } } }),
      );
      for (const item of output.Responses?.[table] ?? []) {
        const key: Record<string, AttributeMap[string]> = {};
        for (const name of keyAttributes) if (item[name] !== undefined) key[name] = item[name];
        found.set(itemIdentity(table, key), item);
      }
      request = output.UnprocessedKeys?.[table]?.Keys as AttributeMap[] | undefined;
    }
  }
  return found;
}

/** Writes the replicated states of `events` (puts and deletes) into `table` of `store`. */
async function batchWrite(
  store: DynamoDBClient,
  table: string,
  events: readonly Replicated[],
): Promise<void> {
  const requests: WriteRequest[] = events.map((e) =>
    e.item === undefined ? { DeleteRequest: { Key: { ...e.key } } } : { PutRequest: { Item: { ...e.item } } },
  );
  for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
    let chunk: WriteRequest[] = requests.slice(i, i + BATCH_WRITE_LIMIT);
    for (let attempt = 0; chunk.length > 0; attempt++) {
      if (attempt > 20) throw new Error(`replicating into ${table} kept coming back unprocessed`);
      const output = await store.send(new BatchWriteItemCommand({ RequestItems: { [table]: chunk } }));
      chunk = output.UnprocessedItems?.[table] ?? [];
    }
  }
}
