/**
 * The {@link TenantStore} over the DynamoDB global table: one GetItem per lookup, nearest replica
 * first, a per-attempt timeout that really aborts the HTTP request, failover to the next replica,
 * and a total time budget. See docs/tenant-store.md.
 */
// Only the client and the one command: the edge bundle should not pull in the rest of the API.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { RouterConfig } from './config.ts';
import { LookupFailedError } from './errors.ts';
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
import type { Region } from './model.ts';
import { replicaOrderFor } from './replica-order.ts';
import type { Clock, TenantStore } from './tenant-store.ts';

/** One read attempt against one replica, as observers (the metrics) see it. */
export interface ReplicaAttempt {
  readonly region: Region;
  /**
   * `first`: the lookup's first replica; `failover`: a later one, after the earlier ones failed;
   * `hedge`: a read sent while an earlier one is still outstanding.
   */
  readonly kind: 'first' | 'failover' | 'hedge';
  readonly ok: boolean;
  /** Wall-clock duration of the attempt, ms. */
  readonly ms: number;
  /** Error code or name of a failed attempt. */
  readonly error?: string;
}

/** Options of {@link createDynamoDBTenantStore}. */
export interface DynamoDBTenantStoreOptions {
  /** Table name, replica regions, per-region endpoints, lookup timing. */
  readonly config: RouterConfig;
  /** The region the function runs in (`AWS_REGION`); decides the replica order. */
  readonly edgeRegion: string;
  /**
   * Builds the client of one replica region; called at most once per region, on first use.
   * @default a keep-alive `DynamoDBClient` per region, SDK retries off, the configured endpoint of
   * (edge region, region) when there is one (`replicaEndpointFor`)
   */
  readonly clientForRegion?: (region: Region) => DynamoDBClient;
  /** @default Date.now */
  readonly clock?: Clock;
  /** Receives one `warn` entry per failed attempt. @default jsonLineLogger */
  readonly logger?: Logger;
  /** Called after every attempt (metrics); an observer that throws is logged and ignored. */
  readonly onAttempt?: (attempt: ReplicaAttempt) => void;
}

/**
 * Credentials for `config.endpoints`: those exist only for the local edge and tests, whose
 * DynamoDB-compatible servers accept any key, and there is no credential chain to consult there.
 */
const LOCAL_ENDPOINT_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The endpoint a function in `edgeRegion` reads `region`'s replica at, when the configuration
 * names one (the local edge and tests): `edgeEndpoints[edgeRegion][region]`, else
 * `endpoints[region]`; undefined means the regional AWS endpoint.
 */
export function replicaEndpointFor(
  config: RouterConfig,
  region: Region,
  edgeRegion?: string,
): string | undefined {
  const perEdge = edgeRegion === undefined ? undefined : config.edgeEndpoints[edgeRegion];
  return perEdge?.[region] ?? config.endpoints[region];
}

/**
 * The default client of one replica, for a function running in `edgeRegion`. `maxAttempts: 1`
 * because failing over to the next replica is a better retry than the SDK's backoff against the
 * same one. The per-attempt deadline is an abort signal (see `readItem`); `requestTimeout` with
 * `throwOnRequestTimeout` is a backstop for a send without one (without `throwOnRequestTimeout`
 * the SDK only logs a warning and keeps waiting). The agent keeps connections alive: a warm
 * container reuses its TLS session. A configured endpoint is signed with local credentials, and
 * its TLS is checked against `config.endpointCaCertificate` when one is given (never unchecked).
 * Exported so the load test and benchmarks can wrap (meter) exactly the client the router uses.
 */
export function createReplicaClient(
  config: RouterConfig,
  region: Region,
  edgeRegion?: string,
): DynamoDBClient {
  const endpoint = replicaEndpointFor(config, region, edgeRegion);
  const ca = endpoint === undefined ? undefined : config.endpointCaCertificate;
  return new DynamoDBClient({
    region,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: config.lookup.attemptTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true },
      httpsAgent: { keepAlive: true, ...(ca === undefined ? {} : { ca }) },
    },
    ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_ENDPOINT_CREDENTIALS }),
  });
}

/**
 * A {@link TenantStore} reading the global table replica by replica, nearest first.
 *
 * Each lookup is one eventually consistent GetItem. An attempt that errors, is throttled or takes
 * longer than `config.lookup.attemptTimeoutMs` (the HTTP request is aborted) moves on to the next
 * replica; when every replica failed or `config.lookup.budgetMs` is spent, the lookup throws
 * {@link LookupFailedError} with the attempts' errors as `cause`. A malformed item throws
 * `MalformedItemError` at once: replicas hold the same data, so asking another would not help.
 *
 * @example
 * const store = createDynamoDBTenantStore({ config, edgeRegion: process.env.AWS_REGION ?? 'us-east-1' });
 * const tenant = await store.getTenant('acme' as TenantId);
 */
export function createDynamoDBTenantStore(options: DynamoDBTenantStoreOptions): TenantStore {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? jsonLineLogger;
  const { onAttempt } = options;
  const makeClient =
    options.clientForRegion ?? ((region: Region) => createReplicaClient(config, region, options.edgeRegion));
  const order = replicaOrderFor(options.edgeRegion, config);
  const clients = new Map<Region, DynamoDBClient>();
  const { attemptTimeoutMs, budgetMs, replicaCooldownMs } = config.lookup;
  // Replicas that failed recently, until when: they are tried last, so a hanging nearest replica
  // costs one attempt timeout per cooldown instead of one per lookup.
  const demotedUntil = new Map<Region, number>();

  function replicasInOrder(now: number): readonly Region[] {
    if (demotedUntil.size === 0) return order;
    for (const [region, until] of demotedUntil) if (until <= now) demotedUntil.delete(region);
    if (demotedUntil.size === 0) return order;
    return [...order.filter((r) => !demotedUntil.has(r)), ...order.filter((r) => demotedUntil.has(r))];
  }

  function clientFor(region: Region): DynamoDBClient {
    let client = clients.get(region);
    if (client === undefined) {
      client = makeClient(region);
      clients.set(region, client);
    }
    return client;
  }

  async function attempt(region: Region, key: string, timeoutMs: number): Promise<Item | undefined> {
    const controller = new AbortController();
    // A DOMException named TimeoutError is what AbortSignal.timeout() uses as its reason; the SDK
    // destroys the socket and rejects with an AbortError whose cause is this reason.
    const timer = setTimeout(
      () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    try {
      const output = await clientFor(region).send(
        new GetItemCommand({
          TableName: config.tableName,
          Key: { [PARTITION_KEY]: { S: key } },
          // Eventually consistent on purpose: in a global table a strongly consistent read only
          // sees writes made in the replica's own region, so it buys nothing for writes made
          // elsewhere (the normal case for the edge), costs twice the read capacity and fails
          // while that region's table is unavailable. Replication lag is in the staleness bound.
          ConsistentRead: false,
        }),
        { abortSignal: controller.signal },
      );
      return output.Item;
    } catch (error) {
      // Report a deadline as a timeout, whatever shape the SDK gave the abort.
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  function observe(attempt: ReplicaAttempt): void {
    try {
      onAttempt?.(attempt);
    } catch (error) {
      logger.log({ level: 'error', msg: 'hook-failure', hook: 'onAttempt', error: String(error) });
    }
  }

  async function readItem(key: string): Promise<Item | undefined> {
    const startedAt = clock();
    const deadline = startedAt + budgetMs;
    const failures: Error[] = [];
    const tried: string[] = [];
    for (const region of replicasInOrder(startedAt)) {
      const attemptStart = clock();
      const remaining = deadline - attemptStart;
      if (remaining <= 0) break;
      const kind = tried.length === 0 ? 'first' : 'failover';
      try {
        const item = await attempt(region, key, Math.min(attemptTimeoutMs, remaining));
        demotedUntil.delete(region);
        if (onAttempt !== undefined) observe({ region, kind, ok: true, ms: clock() - attemptStart });
        return item;
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (replicaCooldownMs > 0) demotedUntil.set(region, clock() + replicaCooldownMs);
        failures.push(failure);
        const code = (failure as { code?: unknown }).code;
        const errorCode = typeof code === 'string' ? code : failure.name;
        tried.push(`${region} ${errorCode}`);
        if (onAttempt !== undefined)
          observe({ region, kind, ok: false, ms: clock() - attemptStart, error: errorCode });
        logger.log({
          level: 'warn',
          msg: 'tenant store attempt failed',
          region,
          key,
          error: failure.name,
          code,
          detail: failure.message,
          ms: clock() - attemptStart,
        });
      }
    }
    const spent = clock() - startedAt;
    const why =
      failures.length < order.length
        ? `budget of ${budgetMs} ms spent after ${failures.length} of ${order.length} replicas`
        : `all ${order.length} replicas failed`;
    throw new LookupFailedError(`lookup of ${key} failed in ${spent} ms: ${why} (${tried.join(', ')})`, {
      cause: failures.length === 1 ? failures[0] : new AggregateError(failures, 'replica attempts failed'),
    });
  }

  return {
    async getDomain(host) {
      const item = await readItem(domainKey(host));
      return item === undefined ? undefined : parseDomainItem(item);
    },
    async getTenant(tenantId) {
      const item = await readItem(tenantKey(tenantId));
      return item === undefined ? undefined : parseTenantItem(item);
    },
    async getRegions() {
      const item = await readItem(REGIONS_KEY);
      return item === undefined ? undefined : parseRegionsItem(item);
    },
  };
}
