/**
 * One lookup across the replicas: the same read sent to the nearest replica first, hedged to the
 * next one when the first is slower than its hedge delay (Dean and Barroso, "The Tail at Scale",
 * 2013), failed over when an attempt fails, and given up after the lookup budget. No I/O of its
 * own: sending a read is injected. See docs/tenant-store.md#hedged-reads.
 */

import { afterIoTurn } from './after-io-turn.ts';
import type { ReplicaTiming } from './config.ts';
import { LookupFailedError } from './errors.ts';
import type { Item } from './items.ts';
import { coldHedgeAfterMs } from './lookup-timing.ts';
import type { Region } from './model.ts';
import type { Clock } from './tenant-store.ts';

/** What one replica answered to a read of some keys. */
export interface ReadAnswer {
  /** The items found, by key; a key read and not found is absent. */
  readonly found: ReadonlyMap<string, Item>;
  /** Keys the replica did not read (a batch's `UnprocessedKeys`): neither found nor absent. */
  readonly unprocessed: readonly string[];
}

/**
 * Told by the sender how its request goes: `onConnecting` when it must set up a connection first
 * (a sender that cannot tell calls it at once), `onSent` when it went out on a ready connection.
 */
export interface SendHooks {
  readonly onConnecting: () => void;
  readonly onSent: () => void;
}

/** Sends one read of `keys` to `region`; rejects when the attempt fails. */
export type SendRead = (region: Region, keys: readonly string[], hooks: SendHooks) => Promise<ReadAnswer>;

/**
 * `first`: the lookup's first replica; `failover`: a later one, after the earlier ones failed;
 * `hedge`: a read sent while an earlier one is still outstanding.
 */
export type AttemptKind = 'first' | 'failover' | 'hedge';

/** One attempt as it ended (also for attempts that end after their lookup settled). */
export interface AttemptEnd {
  readonly region: Region;
  readonly kind: AttemptKind;
  readonly keys: readonly string[];
  /** The attempt's error, or undefined when it answered. */
  readonly error: Error | undefined;
  /** Wall-clock duration, ms. */
  readonly ms: number;
  /**
   * Ms from the attempt's start until its request went out on a ready connection (the last time,
   * when it was sent again); undefined when the sender never said so.
   */
  readonly sentAfterMs: number | undefined;
  /** The lookup was settled by the answer of an attempt sent after this one (a hedge that won). */
  readonly beaten: boolean;
  /**
   * The lookup saw this process stalled before the attempt ended (its hedge timer fired later
   * than its own delay): the attempt's times then say more about the process than the replica.
   */
  readonly stalled: boolean;
}

/** How one key was read. */
export type KeyRead =
  | {
      readonly ok: true;
      readonly item: Item | undefined;
      /** The replica whose answer was used. */
      readonly region: Region;
      /** A hedged read was sent for this lookup. */
      readonly hedged: boolean;
    }
  | { readonly ok: false; readonly error: LookupFailedError };

/** Timers, injectable for tests. */
export interface Timers {
  set(ms: number, fire: () => void): unknown;
  clear(timer: unknown): void;
}

/** Real timers that fire only after the I/O waiting when they are due (see `afterIoTurn`). */
const REAL_TIMERS: Timers = {
  set: (ms, fire) => afterIoTurn(ms, fire),
  clear: (timer) => (timer as ReturnType<typeof afterIoTurn> | undefined)?.cancel(),
};

/** Options of {@link readFromReplicas}. */
export interface ReplicaReadOptions {
  /** Replicas in the order to try them (nearest first, recently failed ones last). */
  readonly order: readonly Region[];
  readonly timing: (region: Region) => ReplicaTiming;
  /** Time after which the lookup gives up (attempts still running finish on their own). */
  readonly budgetMs: number;
  readonly hedging: boolean;
  readonly send: SendRead;
  /** Called as each attempt ends, including those that end after the lookup settled. */
  readonly onAttemptEnd: (attempt: AttemptEnd) => void;
  /** @default Date.now */
  readonly clock?: Clock;
  /** @default setTimeout / clearTimeout */
  readonly timers?: Timers;
}

/** At most one hedge per lookup: the tail it cuts is the first replica's, and each hedge is a read. */
const MAX_HEDGES = 1;

/**
 * Reads `keys` from the replicas and settles with every key's {@link KeyRead}: from the first
 * answer that has it, or a {@link LookupFailedError} naming each replica's failure when every
 * replica failed or the budget was spent first. Never rejects.
 *
 * - The first attempt goes to `order[0]`. With `hedging`, when it has not answered within its
 *   hedge delay (counted from when its request went out on a ready connection, or from when its
 *   connection set-up began plus the set-up's allowance), the same read goes to the next replica
 *   and the first answer wins. The slower attempt is not aborted: it ends on its own timeouts and its
 *   connection stays open for the next lookup.
 * - When the attempts outstanding have all failed, the next replica is tried (`failover`).
 * - Keys a replica left unprocessed are read from the next replica, as a failover.
 *
 * @example
 * const reads = await readFromReplicas(['TENANT#acme'], { order, timing, budgetMs, hedging: true, send, onAttemptEnd });
 */
export function readFromReplicas(
  keys: readonly string[],
  options: ReplicaReadOptions,
): Promise<ReadonlyMap<string, KeyRead>> {
  return new Promise((resolve) => new ReplicaRead(keys, options, resolve).start());
}

/** One attempt of a lookup, while it runs. */
interface Attempt {
  readonly region: Region;
  readonly kind: AttemptKind;
  /** Its place among the lookup's attempts, in the order they were sent. */
  readonly index: number;
  readonly startedAt: number;
  /** When its request last went out on a ready connection. */
  sentAt: number | undefined;
}

/** The state of one lookup across the replicas. */
class ReplicaRead {
  readonly #options: ReplicaReadOptions;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #resolve: (reads: ReadonlyMap<string, KeyRead>) => void;
  readonly #remaining: Set<string>;
  readonly #reads = new Map<string, KeyRead>();
  readonly #startedAt: number;
  readonly #failures: Error[] = [];
  readonly #tried: string[] = [];
  #next = 0;
  /** The launch index (`#next` when sent) of the attempt whose answer settled the lookup. */
  #settledBy: number | undefined;
  #outstanding = 0;
  #hedges = 0;
  /** A hedge timer of this lookup fired later than its own delay: the process was stalled. */
  #stalled = false;
  #settled = false;
  #hedgeTimer: unknown;
  #budgetTimer: unknown;

  constructor(
    keys: readonly string[],
    options: ReplicaReadOptions,
    resolve: (reads: ReadonlyMap<string, KeyRead>) => void,
  ) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#resolve = resolve;
    this.#remaining = new Set(keys);
    this.#startedAt = this.#clock();
  }

  start(): void {
    this.#budgetTimer = this.#timers.set(this.#options.budgetMs, () => this.#fail());
    if (!this.#launch('first')) this.#fail();
  }

  /** Sends the remaining keys to the next replica; false when there is none or no time left. */
  #launch(kind: AttemptKind): boolean {
    const region = this.#options.order[this.#next];
    if (region === undefined || this.#remaining.size === 0) return false;
    if (this.#clock() - this.#startedAt >= this.#options.budgetMs) return false;
    const attempt: Attempt = { region, kind, index: this.#next, startedAt: this.#clock(), sentAt: undefined };
    this.#next++;
    this.#outstanding++;
    const keys = [...this.#remaining];
    const timing = this.#options.timing(region);
    // A hedge is not hedged again; the hedge of any other attempt is timed from its own phases.
    const hedgeable = kind !== 'hedge';
    const hooks: SendHooks = {
      onConnecting: () => {
        if (hedgeable) this.#armHedge(coldHedgeAfterMs(timing));
      },
      onSent: () => {
        attempt.sentAt = this.#clock();
        if (hedgeable) this.#armHedge(timing.hedgeAfterMs);
      },
    };
    this.#options.send(region, keys, hooks).then(
      (answer) => this.#answered(attempt, keys, answer),
      (error: unknown) => this.#failed(attempt, keys, asError(error)),
    );
    return true;
  }

  /** Tells `onAttemptEnd` how `attempt` ended. */
  #ended(attempt: Attempt, keys: readonly string[], error: Error | undefined): void {
    const { region, kind, startedAt, sentAt } = attempt;
    this.#options.onAttemptEnd({
      region,
      kind,
      keys,
      error,
      ms: this.#clock() - startedAt,
      sentAfterMs: sentAt === undefined ? undefined : sentAt - startedAt,
      beaten: this.#settledBy !== undefined && this.#settledBy > attempt.index,
      stalled: this.#stalled,
    });
  }

  /**
   * (Re)arms the hedge: `ms` from now, the next replica gets the same read. A timer that fires
   * more than `ms` late says this process was stalled, not the replica slow: a hedge would only
   * add a read to a busy process, so the hedge delay starts again instead.
   */
  #armHedge(ms: number): void {
    if (!this.#options.hedging || this.#hedges >= MAX_HEDGES || this.#settled) return;
    this.#timers.clear(this.#hedgeTimer);
    const due = this.#clock() + ms;
    this.#hedgeTimer = this.#timers.set(ms, () => {
      if (this.#settled || this.#hedges >= MAX_HEDGES) return;
      if (this.#clock() - due > ms) {
        this.#stalled = true;
        this.#armHedge(ms);
        return;
      }
      if (this.#launch('hedge')) this.#hedges++;
    });
  }

  #answered(attempt: Attempt, keys: readonly string[], answer: ReadAnswer) {
    this.#outstanding--;
    this.#ended(attempt, keys, undefined);
    if (this.#settled) return;
    const { region } = attempt;
    const unprocessed = new Set(answer.unprocessed);
    for (const key of keys) {
      if (!this.#remaining.has(key) || unprocessed.has(key)) continue;
      this.#reads.set(key, { ok: true, item: answer.found.get(key), region, hedged: this.#hedges > 0 });
      this.#remaining.delete(key);
    }
    if (this.#remaining.size === 0) {
      this.#settledBy = attempt.index;
      this.#finish();
      return;
    }
    this.#tried.push(`${region} UnprocessedKeys`);
    if (this.#outstanding === 0 && !this.#launch('failover')) this.#fail();
  }

  #failed(attempt: Attempt, keys: readonly string[], error: Error) {
    this.#outstanding--;
    this.#ended(attempt, keys, error);
    if (this.#settled) return;
    this.#failures.push(error);
    this.#tried.push(`${attempt.region} ${errorCode(error)}`);
    if (this.#outstanding === 0 && !this.#launch('failover')) this.#fail();
  }

  #finish(): void {
    this.#settled = true;
    this.#timers.clear(this.#hedgeTimer);
    this.#timers.clear(this.#budgetTimer);
    this.#resolve(this.#reads);
  }

  #fail(): void {
    if (this.#settled) return;
    const { order, budgetMs } = this.#options;
    const spent = this.#clock() - this.#startedAt;
    const keys = [...this.#remaining];
    const why =
      this.#next < order.length || this.#outstanding > 0
        ? `budget of ${budgetMs} ms spent after ${this.#next} of ${order.length} replicas`
        : `all ${order.length} replicas failed`;
    const waiting = this.#outstanding > 0 ? `; ${this.#outstanding} still waited for` : '';
    const error = new LookupFailedError(
      `lookup of ${keys.join(', ')} failed in ${spent} ms: ${why} (${this.#tried.join(', ')}${waiting})`,
      {
        cause:
          this.#failures.length === 1
            ? this.#failures[0]
            : new AggregateError(this.#failures, 'replica attempts failed'),
      },
    );
    for (const key of keys) this.#reads.set(key, { ok: false, error });
    this.#remaining.clear();
    this.#finish();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The code (SDK errors, node errors) or name of a failed attempt's error. */
export function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
