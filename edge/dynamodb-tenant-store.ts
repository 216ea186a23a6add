/**
 * The {@link TenantStore} over the DynamoDB global table: the records a lookup asks for in one
 * turn read together (one GetItem, or one BatchGetItem for several), nearest replica first,
 * hedged to the next when the first is slow, failed over when it fails, within the edge region's
 * budget; connections are set up apart from requests and kept alive. See docs/tenant-store.md.
 */
// Only the client and the commands the router sends: the bundle should not pull in the rest of the API.
import { BatchGetItemCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ReplicaTiming, RouterConfig } from './config.ts';
import {
  domainKey,
  type Item,
  PARTITION_KEY,
  parseDomainItem,
  parseRegionsItem,
  parseTenantItem,
  REGIONS_KEY,
  tenantKey,
} from './items.ts';
import { jsonLineLogger, type Logger } from './logger.ts';
import { lookupBudgetMs, replicaTiming } from './lookup-timing.ts';
import type { Region } from './model.ts';
import { createReadBatcher } from './read-batcher.ts';
import { createReplicaClient } from './replica-client.ts';
import { replicaOrderFor } from './replica-order.ts';
import {
  type AttemptEnd,
  type AttemptKind,
  errorCode,
  type KeyRead,
  type ReadAnswer,
  readFromReplicas,
  type SendHooks,
  type Timers,
} from './replica-read.ts';
import { observeRequestPhases, ReplicaRequestHandler } from './replica-request-handler.ts';
import {
  type AttemptReport,
  type AttemptVerdict,
  ReplicaStanding,
  type StandingChange,
} from './replica-standing.ts';
import type { Clock, ReadObserver, TenantStore } from './tenant-store.ts';

export { createReplicaClient, replicaEndpointFor } from './replica-client.ts';

/** One read attempt against one replica, as observers (the metrics) see it. */
export interface ReplicaAttempt {
  readonly region: Region;
  /**
   * `first`: the lookup's first replica; `failover`: a later one, after the earlier ones failed;
   * `hedge`: a read sent while an earlier one is still outstanding; `probe`: a demoted replica's
   * read once its cooldown ended, beside a lookup and never in its way.
   */
  readonly kind: AttemptKind | 'probe';
  readonly ok: boolean;
  /** Wall-clock duration of the attempt, ms. */
  readonly ms: number;
  /** Error code or name of a failed attempt. */
  readonly error?: string;
  /** Answered, but slower than the replica read instead is expected to be (`ReplicaStanding`). */
  readonly slow: boolean;
  /** The replica was demoted (tried after the others) or promoted back by this attempt. */
  readonly change?: StandingChange;
}

/** Options of {@link createDynamoDBTenantStore}. */
export interface DynamoDBTenantStoreOptions {
  /** Table name, replica regions, per-region endpoints, lookup timing. */
  readonly config: RouterConfig;
  /** The region the function runs in (`AWS_REGION`); decides the replica order and timing. */
  readonly edgeRegion: string;
  /**
   * Builds the client of one replica region; called at most once per region, on first use.
   * @default `createReplicaClient(config, region, edgeRegion)`
   */
  readonly clientForRegion?: (region: Region) => DynamoDBClient;
  /** @default Date.now */
  readonly clock?: Clock;
  /** Receives one `warn` entry per failed attempt. @default jsonLineLogger */
  readonly logger?: Logger;
  /** Called after every attempt (metrics); an observer that throws is logged and ignored. */
  readonly onAttempt?: (attempt: ReplicaAttempt) => void;
  /** Hedge and budget timers (tests). @default setTimeout */
  readonly timers?: Timers;
}

/** The DynamoDB store: a {@link TenantStore} whose reads report how they were made, and warm-up. */
export interface DynamoDBTenantStore extends TenantStore {
  /**
   * Opens a connection to each of `regions` with one cheap read (the REGIONS item), without
   * waiting for it, so a later hedge or failover to them finds a ready connection.
   */
  warmUp(regions: readonly Region[]): void;
  /** The replicas nearest first (before demotions). */
  readonly replicaOrder: readonly Region[];
  /** The replicas in the order a lookup tries them now: demoted ones last. */
  readonly currentOrder: readonly Region[];
}

/**
 * For a client without the router's request handler (whose own timers end an attempt): an
 * attempt is aborted this long after its set-up and request timeouts together.
 */
const BACKSTOP_SLACK_MS = 100;

/**
 * A {@link TenantStore} reading the global table replica by replica, nearest first.
 *
 * Each read is eventually consistent. Keys asked for in the same turn are read together. An
 * attempt that errors, is throttled, or exceeds its pair's set-up or request timeout moves on to
 * the next replica; one slower than its hedge delay is hedged to the next replica (first answer
 * wins); when every replica failed or the budget is spent, the read throws
 * {@link LookupFailedError} naming each replica's failure. A malformed item throws
 * `MalformedItemError` at once: replicas hold the same data, so asking another would not help.
 *
 * @example
 * const store = createDynamoDBTenantStore({ config, edgeRegion: process.env.AWS_REGION ?? 'us-east-1' });
 * const tenant = await store.getTenant('acme' as TenantId);
 */
export function createDynamoDBTenantStore(options: DynamoDBTenantStoreOptions): DynamoDBTenantStore {
  const { config, edgeRegion } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? jsonLineLogger;
  const { onAttempt } = options;
  const makeClient =
    options.clientForRegion ?? ((region: Region) => createReplicaClient(config, region, edgeRegion));
  const order = replicaOrderFor(edgeRegion, config);
  const clients = new Map<Region, DynamoDBClient>();
  const timings = new Map<Region, ReplicaTiming>();
  const budgetMs = lookupBudgetMs(config, edgeRegion);
  const { replicaCooldownMs, hedging, slowReadsToDemote } = config.lookup;
  // A replica that failed, or was slower than the next one several times in a row, is tried last:
  // a hanging nearest replica costs one attempt per cooldown instead of one per lookup, a slow one
  // stops costing every lookup its hedge delay and a double read.
  const standing = new ReplicaStanding({
    order,
    timing: timingOf,
    cooldownMs: replicaCooldownMs,
    slowReadsToDemote,
  });

  function clientFor(region: Region): DynamoDBClient {
    let client = clients.get(region);
    if (client === undefined) {
      client = makeClient(region);
      clients.set(region, client);
    }
    return client;
  }

  function timingOf(region: Region): ReplicaTiming {
    let timing = timings.get(region);
    if (timing === undefined) {
      timing = replicaTiming(config, edgeRegion, region);
      timings.set(region, timing);
    }
    return timing;
  }

  async function send(region: Region, keys: readonly string[], hooks: SendHooks): Promise<ReadAnswer> {
    const client = clientFor(region);
    const controller = new AbortController();
    let backstop: ReturnType<typeof setTimeout> | undefined;
    if (client.config.requestHandler instanceof ReplicaRequestHandler) {
      observeRequestPhases(controller.signal, {
        onConnecting: hooks.onConnecting,
        onSent: hooks.onSent,
        onDeadConnection: (code) =>
          logger.log({ level: 'info', msg: 'replica connection was dead, read sent again', region, code }),
      });
    } else {
      // A client made elsewhere: its phases are unknown (count it as setting up a connection),
      // and only the abort signal ends an attempt that never answers.
      hooks.onConnecting();
      const timing = timingOf(region);
      const limitMs = timing.connectTimeoutMs + timing.requestTimeoutMs + BACKSTOP_SLACK_MS;
      // A DOMException named TimeoutError is what AbortSignal.timeout() uses as its reason.
      backstop = setTimeout(
        () => controller.abort(new DOMException(`no answer within ${limitMs} ms`, 'TimeoutError')),
        limitMs,
      );
    }
    try {
      return keys.length === 1
        ? await getOne(client, config.tableName, keys[0] as string, controller.signal)
        : await getBatch(client, config.tableName, keys, controller.signal);
    } catch (error) {
      // Report the backstop as a timeout, whatever shape the SDK gave the abort.
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(backstop);
    }
  }

  function observe(attempt: ReplicaAttempt): void {
    try {
      onAttempt?.(attempt);
    } catch (error) {
      logger.log({ level: 'error', msg: 'hook-failure', hook: 'onAttempt', error: String(error) });
    }
  }

  function attemptEnded(end: AttemptEnd, probe = false): void {
    const { region, keys, error, ms } = end;
    const kind = probe ? 'probe' : end.kind;
    const report: AttemptReport = {
      region,
      failed: error !== undefined,
      ms,
      sentAfterMs: end.sentAfterMs,
      beaten: end.beaten,
      stalled: end.stalled,
    };
    const { verdict, change } = standing.record(report, clock(), probe);
    if (change !== undefined) logStandingChange(report, change, verdict);
    if (error === undefined) {
      if (onAttempt !== undefined)
        observe({
          region,
          kind,
          ok: true,
          ms,
          slow: verdict === 'slow',
          ...(change !== undefined && { change }),
        });
      return;
    }
    const code = errorCode(error);
    if (onAttempt !== undefined)
      observe({
        region,
        kind,
        ok: false,
        ms,
        error: code,
        slow: false,
        ...(change !== undefined && { change }),
      });
    logger.log({
      level: 'warn',
      msg: 'tenant store attempt failed',
      region,
      kind,
      key: keys.join(' '),
      error: error.name,
      code,
      detail: error.message,
      ms,
    });
  }

  /** One line per move, with the attempt that decided it (`ms` in all, `sentAfterMs` of set-up). */
  function logStandingChange(report: AttemptReport, change: StandingChange, verdict: AttemptVerdict): void {
    const { region, ms, sentAfterMs, beaten } = report;
    const evidence = { ms, ...(sentAfterMs !== undefined && { sentAfterMs }), ...(beaten && { beaten }) };
    if (change.change === 'promoted') {
      logger.log({ level: 'info', msg: 'replica promoted', region, ...evidence, order: standing.order });
      return;
    }
    // Info: a failure that demotes was logged as a warning already; a slow replica still answers.
    logger.log({
      level: 'info',
      msg: 'replica demoted',
      region,
      reason: change.reason,
      ...(verdict === 'slow' && { slowReads: slowReadsToDemote, ...evidence }),
      cooldownMs: replicaCooldownMs,
      order: standing.order,
    });
  }

  /**
   * One read of the REGIONS item from `region` outside any lookup (the warm-up, a probe): `ended`
   * gets how it went, as a lookup's attempt would report it.
   */
  function readAside(region: Region, ended: (report: AttemptReport, error: Error | undefined) => void): void {
    const startedAt = clock();
    let sentAt: number | undefined;
    const hooks: SendHooks = {
      onConnecting() {},
      onSent() {
        sentAt = clock();
      },
    };
    const end = (error: Error | undefined) =>
      ended(
        {
          region,
          failed: error !== undefined,
          ms: clock() - startedAt,
          sentAfterMs: sentAt === undefined ? undefined : sentAt - startedAt,
          beaten: false,
          stalled: false,
        },
        error,
      );
    send(region, [REGIONS_KEY], hooks).then(
      () => end(undefined),
      (error: unknown) => end(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /**
   * Probes each demoted replica whose cooldown is over with one read of the REGIONS item, beside
   * the lookup that found it due: the lookup itself reads the others, so no viewer waits on it.
   */
  function probeDue(now: number): void {
    for (const region of standing.dueProbes(now))
      readAside(region, (report, error) =>
        attemptEnded(
          {
            region,
            kind: 'first',
            keys: [REGIONS_KEY],
            error,
            ms: report.ms,
            sentAfterMs: report.sentAfterMs,
            beaten: false,
            stalled: false,
          },
          true,
        ),
      );
  }

  const load = createReadBatcher<KeyRead>((keys) => {
    probeDue(clock());
    return readFromReplicas(keys, {
      order: standing.order,
      timing: timingOf,
      budgetMs,
      hedging,
      send,
      onAttemptEnd: attemptEnded,
      clock,
      ...(options.timers !== undefined && { timers: options.timers }),
    });
  });

  async function readItem(key: string, observeRead: ReadObserver | undefined): Promise<Item | undefined> {
    const read = await load(key);
    if (!read.ok) throw read.error;
    observeRead?.({ region: read.region, hedged: read.hedged });
    return read.item;
  }

  return {
    replicaOrder: order,
    get currentOrder() {
      return standing.order;
    },
    async getDomain(host, observeRead) {
      const item = await readItem(domainKey(host), observeRead);
      return item === undefined ? undefined : parseDomainItem(item);
    },
    async getTenant(tenantId, observeRead) {
      const item = await readItem(tenantKey(tenantId), observeRead);
      return item === undefined ? undefined : parseTenantItem(item);
    },
    async getRegions(observeRead) {
      const item = await readItem(REGIONS_KEY, observeRead);
      return item === undefined ? undefined : parseRegionsItem(item);
    },
    warmUp(regions) {
      for (const region of regions)
        readAside(region, (report, error) => {
          // Its answer is the first word of how quick that replica is: the standing judges the
          // nearest one's slowness by it (a failure demotes it, as a lookup's would).
          const { change, verdict } = standing.record(report, clock());
          if (change !== undefined) logStandingChange(report, change, verdict);
          if (error === undefined) {
            logger.log({ level: 'info', msg: 'replica connection warmed', region, ms: report.ms });
            return;
          }
          logger.log({
            level: 'warn',
            msg: 'replica warm-up failed',
            region,
            code: errorCode(error),
            detail: error.message,
            ms: report.ms,
          });
        });
    },
  };
}

/**
 * One key: a GetItem. Eventually consistent on purpose: in a global table a strongly consistent
 * read only sees writes made in the replica's own region, so it buys nothing for writes made
 * elsewhere (the normal case for the edge), costs twice the read capacity and fails while that
 * region's table is unavailable. Replication lag is in the staleness bound.
 */
async function getOne(
  client: DynamoDBClient,
  table: string,
  key: string,
  signal: AbortSignal,
): Promise<ReadAnswer> {
  const output = await client.send(
    new GetItemCommand({ TableName: table, Key: { [PARTITION_KEY]: { S: key } }, ConsistentRead: false }),
    { abortSignal: signal },
  );
  return { found: output.Item === undefined ? new Map() : new Map([[key, output.Item]]), unprocessed: [] };
}

/** Several keys: one BatchGetItem (eventually consistent, as {@link getOne}); unprocessed keys reported. */
async function getBatch(
  client: DynamoDBClient,
  table: string,
  keys: readonly string[],
  signal: AbortSignal,
): Promise<ReadAnswer> {
  const output = await client.send(
    new BatchGetItemCommand({
      RequestItems: {
        [table]: { Keys: keys.map((key) => ({ [PARTITION_KEY]: { S: key } })), ConsistentRead: false },
      },
    }),
    { abortSignal: signal },
  );
  const found = new Map<string, Item>();
  for (const item of output.Responses?.[table] ?? []) {
    const key = item[PARTITION_KEY]?.S;
    if (key !== undefined) found.set(key, item);
  }
  const unprocessed = (output.UnprocessedKeys?.[table]?.Keys ?? []).flatMap((key) => {
    const pk = key[PARTITION_KEY]?.S;
    return pk === undefined ? [] : [pk];
  });
  return { found, unprocessed };
}
