/**
 * The one assembly of the router's stores: the DynamoDB store reading the replicas nearest the
 * edge region, behind the route cache, with the settings production uses. The handler, the local
 * edge, the load test, the benchmarks and the chaos scenario all build their router here, so what
 * is measured is what ships.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCachedTenantStore } from './cached-tenant-store.ts';
import type { CacheConfig, RouterConfig } from './config.ts';
import {
  createDynamoDBTenantStore,
  type DynamoDBTenantStore,
  type ReplicaAttempt,
} from './dynamodb-tenant-store.ts';
import { jsonLineLogger, type Logger } from './logger.ts';
import { replicaTiming } from './lookup-timing.ts';
import type { Region } from './model.ts';
import { replicaOrderFor } from './replica-order.ts';
import type { CachedTenantStore, Clock, TenantStore } from './tenant-store.ts';

/** The cache settings derived from a router configuration; equal for every user of one config. */
export interface RouterStoreSettings {
  readonly cache: CacheConfig;
  /**
   * How long a request waits for the refresh of an expired entry before it is served stale: one
   * attempt against the nearest replica. Longer would let a hanging replica hold every request of
   * a cached tenant for the whole lookup budget.
   */
  readonly refreshWaitMs: number;
}

/** The store settings production derives from `config` for a function in `edgeRegion`. Pure. */
export function routerStoreSettings(config: RouterConfig, edgeRegion: string): RouterStoreSettings {
  const nearest = replicaOrderFor(edgeRegion, config)[0];
  const refreshWaitMs =
    nearest === undefined
      ? config.lookup.attemptTimeoutMs
      : replicaTiming(config, edgeRegion, nearest).requestTimeoutMs;
  return { cache: config.cache, refreshWaitMs };
}

/** Options of {@link assembleRouter}. */
export interface RouterAssemblyOptions {
  /** The validated router configuration. */
  readonly config: RouterConfig;
  /** Region the function runs in; decides the replica order. */
  readonly edgeRegion: string;
  /**
   * Builds the DynamoDB client of one replica region (the load test and the bench wrap the
   * router's own `createReplicaClient` to meter reads). @default createReplicaClient
   */
  readonly clientForRegion?: (region: Region) => DynamoDBClient;
  /** Replaces the DynamoDB store (tests with an in-memory store). @default the DynamoDB store */
  readonly tenantStore?: TenantStore;
  /** Wall clock for TTLs and the replica cooldown. @default Date.now */
  readonly clock?: Clock;
  /** @default JSON lines on stdout */
  readonly logger?: Logger;
  /** Observer of every replica read attempt of the DynamoDB store (metrics). */
  readonly onAttempt?: ((attempt: ReplicaAttempt) => void) | undefined;
}

/** The assembled stores and the settings they were built with. */
export interface RouterAssembly {
  readonly config: RouterConfig;
  readonly edgeRegion: string;
  /** The uncached store (DynamoDB unless replaced). */
  readonly tenantStore: TenantStore;
  /** The route cache in front of {@link tenantStore}; what the handler reads. */
  readonly store: CachedTenantStore;
  readonly settings: RouterStoreSettings;
}

/**
 * Builds the router's stores for one edge region.
 *
 * @example
 * const { store } = assembleRouter({ config, edgeRegion: 'eu-central-1' });
 * const { value } = await store.getTenant(tenantId);
 */
export function assembleRouter(options: RouterAssemblyOptions): RouterAssembly {
  const { config, edgeRegion } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? jsonLineLogger;
  const settings = routerStoreSettings(config, edgeRegion);
  let dynamoStore: DynamoDBTenantStore | undefined;
  let tenantStore: TenantStore;
  if (options.tenantStore !== undefined) tenantStore = options.tenantStore;
  else {
    dynamoStore = createDynamoDBTenantStore({
      config,
      edgeRegion,
      clock,
      logger,
      ...(options.clientForRegion !== undefined && { clientForRegion: options.clientForRegion }),
      ...(options.onAttempt !== undefined && { onAttempt: options.onAttempt }),
    });
    tenantStore = dynamoStore;
  }
  const store = createCachedTenantStore(tenantStore, {
    cache: settings.cache,
    clock,
    refreshWaitMs: settings.refreshWaitMs,
  });
  if (dynamoStore !== undefined) warmUp(config, dynamoStore, store);
  return { config, edgeRegion, tenantStore, store, settings };
}

/**
 * A new container's warm-up, started beside its first request and never in its way: the REGIONS
 * item through the cache from the nearest replica (the read every pool-routed tenant needs; asked
 * for in the same turn as the first request's own reads, it travels in the same request), and one
 * read of it from each further warm replica, so a hedge or failover there finds its connection
 * open. Each costs one eventually consistent read per container start.
 */
function warmUp(config: RouterConfig, dynamoStore: DynamoDBTenantStore, store: CachedTenantStore): void {
  const { warmReplicas } = config.lookup;
  if (warmReplicas === 0) return;
  // A failure is the first request's to report (it reads the same replicas); nothing waits on this.
  store.getRegions().catch(() => {});
  dynamoStore.warmUp(dynamoStore.replicaOrder.slice(1, warmReplicas));
}
