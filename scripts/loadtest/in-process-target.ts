/**
 * The in-process target: the real handler, cache and DynamoDB store, driven with generated
 * origin-request events against a local DynamoDB-compatible server (dynalite) on loopback. Reads
 * are counted (and optionally slowed) at the SDK clients; handler time is split by cache outcome.
 */

import { fileURLToPath } from 'node:url';
import type { CloudFrontRequestResult } from 'aws-lambda';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import { silentLogger } from '../../edge/logger.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { replicaOrderFor } from '../../edge/replica-order.ts';
import type { RouterAssembly } from '../../edge/router-assembly.ts';
import { spawnChildServer } from '../lib/child-server.ts';
import { CleanupStack } from '../lib/cleanup-stack.ts';
import { createReadMeter, meteredRouterClients } from '../lib/dynamodb-read-meter.ts';
import {
  generatedHost,
  type HostKind,
  type HostsKindChoice,
  routeLookupsOf,
} from '../lib/generated-hosts.ts';
import { defaultRegionsRecord, generatedTenantDomain } from '../lib/generated-tenants.ts';
import { localDynamoDBClient } from '../lib/local-dynamodb-client.ts';
import { anOriginRequestEvent, GENERATED_TRAFFIC_EVENT } from '../lib/origin-request-event.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import { seedLoadTestTenants } from '../lib/seed-generated-tenants.ts';
import type { RequestOutcome } from './load-collector.ts';
import { createRequestOutcomeRecorder } from './request-outcome.ts';

/** Options of {@link startInProcessTarget}. */
export interface InProcessTargetOptions {
  /** The router configuration to start from (config/local.json); endpoints are replaced. */
  readonly config: RouterConfig;
  /** Generated tenants to create. */
  readonly tenants: number;
  /** Kind of their hosts. @default 'platform' */
  readonly hostsKind?: HostsKindChoice;
  /** Region the handler runs in (decides the replica order). */
  readonly edgeRegion: string;
  /** Cache TTL override, ms. @default config.cache.ttlMs */
  readonly cacheTtlMs?: number;
  /** Cache size override, tenants. @default config.cache.maxTenants */
  readonly cacheMaxEntries?: number;
  /** Latency added to every GetItem, ms, to emulate a far replica. @default 0 */
  readonly addedReadLatencyMs?: number;
  /** Seeding progress: tenants written so far. */
  readonly onSeedProgress?: (written: number) => void;
}

/** A ready in-process target. */
export interface InProcessTarget {
  readonly config: RouterConfig;
  /** The handler's assembly (its stores and their settings). */
  readonly assembly: RouterAssembly;
  /** Routes one generated request for `host`. */
  send(host: string, index: number): Promise<RequestOutcome>;
  /**
   * Items the router's cache asked its nearest replica for so far (a BatchGetItem counts each key:
   * reads are billed per item, and the minimum of the trace is counted in items too). Reads of
   * other replicas (hedges, failovers, the warm-up of the second replica) are not a cache's and
   * are counted apart, in {@link otherReplicaReads}.
   */
  readonly reads: number;
  /** Items read from the other replicas: hedges, failovers, warm-up. */
  readonly otherReplicaReads: number;
  /** Of those, the reads of each host kind's DOMAIN and TENANT items (REGIONS is no kind's). */
  readsByHostKind(): Partial<Record<HostKind, number>>;
  close(): Promise<void>;
}

const DYNALITE_ENTRY = fileURLToPath(new URL('./dynalite-process.ts', import.meta.url));

/**
 * Starts dynalite in a child process (so it does not share the handler's event loop, as a real
 * table would not), creates and seeds the table, and builds the handler.
 */
export function startInProcessTarget(options: InProcessTargetOptions): Promise<InProcessTarget> {
  return CleanupStack.build(async (stack) => {
    const dynalite = await spawnChildServer<{ endpoint: string }>(DYNALITE_ENTRY);
    stack.use(dynalite);
    const config = targetConfig(options, dynalite.handshake.endpoint);
    const regionRecords = defaultRegionsRecord(config);
    await seedTable(config, dynalite.handshake.endpoint, options, regionRecords);
    const regionOfOrigin = new Map<string, string>();
    for (const [region, record] of regionRecords) regionOfOrigin.set(record.origin.domainName, region);

    const added = options.addedReadLatencyMs ?? 0;
    const kindOfKey = hostKindsByKey(
      options.tenants,
      options.hostsKind ?? 'platform',
      generatedTenantDomain(config),
    );
    const readsByKind: Partial<Record<HostKind, number>> = {};
    const nearest = replicaOrderFor(options.edgeRegion, config)[0];
    let nearestReads = 0;
    let otherReads = 0;
    const meter = createReadMeter({
      addedLatencyMs: () => added,
      onRead: (key, region) => {
        if (region !== nearest) {
          otherReads++;
          return;
        }
        nearestReads++;
        const kind = key === undefined ? undefined : kindOfKey.get(key);
        if (kind !== undefined) readsByKind[kind] = (readsByKind[kind] ?? 0) + 1;
      },
    });
    const clients = stack.use(meteredRouterClients(config, meter));
    const recorder = createRequestOutcomeRecorder();
    // The production handler and its one assembly of stores; only the clients are metered.
    const handler = createOriginRequestHandler({
      config,
      clientForRegion: clients.clientForRegion,
      logger: silentLogger,
      edgeRegion: options.edgeRegion,
      hooks: recorder.hooks,
    });
    return {
      config,
      assembly: handler.assembly,
      async send(host, index) {
        const event = anOriginRequestEvent({
          ...GENERATED_TRAFFIC_EVENT,
          hosts: [host],
          requestId: `lt-${index}`,
        });
        const started = performance.now();
        const value = await handler(event);
        const routerMs = performance.now() - started;
        const outcome = recorder.outcomeOf(event);
        return {
          ...describeResult(value, regionOfOrigin),
          routerMs,
          ...(outcome !== undefined && { cacheOutcome: outcome }),
        };
      },
      get reads() {
        return nearestReads;
      },
      get otherReplicaReads() {
        return otherReads;
      },
      readsByHostKind: () => ({ ...readsByKind }),
      close: () => stack.close(),
    };
  });
}

/** The configuration with one local server standing in for every replica (replica order and failover still run). */
function targetConfig(options: InProcessTargetOptions, endpoint: string): RouterConfig {
  const base = options.config;
  return resolveRouterConfig({
    ...base,
    endpoints: Object.fromEntries(base.replicaRegions.map((r) => [r, endpoint])),
    cache: {
      ...base.cache,
      ...(options.cacheTtlMs !== undefined && { ttlMs: options.cacheTtlMs }),
      ...(options.cacheMaxEntries !== undefined && { maxTenants: options.cacheMaxEntries }),
    },
  });
}

async function seedTable(
  config: RouterConfig,
  endpoint: string,
  options: InProcessTargetOptions,
  regions: ReturnType<typeof defaultRegionsRecord>,
): Promise<void> {
  const admin = localDynamoDBClient(endpoint, config.replicaRegions[0] as string);
  try {
    await ensureRouterTable(admin, config.tableName);
    await seedLoadTestTenants({
      client: admin,
      tableName: config.tableName,
      tenants: options.tenants,
      hostsKind: options.hostsKind ?? 'platform',
      fallbackRegions: regions,
      ...(options.onSeedProgress !== undefined && { onProgress: options.onSeedProgress }),
    });
  } finally {
    admin.destroy();
  }
}

/** The host kind of every item key the router may read for the generated hosts. */
function hostKindsByKey(
  tenants: number,
  choice: HostsKindChoice,
  platformDomain: string,
): Map<string, HostKind> {
  const kinds = new Map<string, HostKind>();
  for (let i = 0; i < tenants; i++) {
    const generated = generatedHost(i, choice, platformDomain);
    for (const lookup of routeLookupsOf(generated)) kinds.set(lookup.key, generated.kind);
  }
  return kinds;
}

/** Status and region of a handler result: a rewritten request is a 200 forwarded to its origin. */
export function describeResult(
  result: CloudFrontRequestResult,
  regionOfOrigin: ReadonlyMap<string, string>,
): { status: number; region: string } {
  if (result === undefined || result === null) return { status: 502, region: 'generated' };
  if ('status' in result && typeof result.status === 'string') {
    return { status: Number(result.status), region: 'generated' };
  }
  const origin = 'origin' in result ? (result.origin?.custom ?? result.origin?.s3) : undefined;
  const domain = origin?.domainName ?? '';
  return { status: 200, region: regionOfOrigin.get(domain) ?? domain };
}
