/**
 * The in-process target: the real handler, cache and DynamoDB store, driven with generated
 * origin-request events against a local DynamoDB-compatible server (dynalite) on loopback. Reads
 * are counted (and optionally slowed) at the SDK clients; handler time is split by cache outcome.
 */

import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudFrontRequestResult } from 'aws-lambda';
import { type RouterConfig, resolveRouterConfig } from '../../edge/config.ts';
import { createReplicaClient } from '../../edge/dynamodb-tenant-store.ts';
import { silentLogger } from '../../edge/logger.ts';
import type { Region } from '../../edge/model.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import type { RouterAssembly } from '../../edge/router-assembly.ts';
import { LOCAL_CREDENTIALS } from '../lib/local-credentials.ts';
import { ensureRouterTable } from '../lib/router-table.ts';
import { spawnChildServer } from './child-server.ts';
import { createReadMeter } from './dynamodb-read-meter.ts';
import type { RequestOutcome } from './load-collector.ts';
import { originRequestEvent } from './origin-request-event.ts';
import { createRequestOutcomeRecorder } from './request-outcome.ts';
import { defaultRegionsRecord, seedLoadTestTenants } from './tenant-seeder.ts';

/** Options of {@link startInProcessTarget}. */
export interface InProcessTargetOptions {
  /** The router configuration to start from (config/local.json); endpoints are replaced. */
  readonly config: RouterConfig;
  /** Generated tenants to create. */
  readonly tenants: number;
  /** Region the handler runs in (decides the replica order). */
  readonly edgeRegion: string;
  /** Cache TTL override, ms. @default config.cache.ttlMs */
  readonly cacheTtlMs?: number;
  /** Cache size override, entries. @default config.cache.maxEntries */
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
  /** GetItem calls made by the router so far. */
  readonly reads: number;
  close(): Promise<void>;
}

const DYNALITE_ENTRY = fileURLToPath(new URL('./dynalite-process.ts', import.meta.url));

/**
 * Starts dynalite in a child process (so it does not share the handler's event loop, as a real
 * table would not), creates and seeds the table, and builds the handler.
 */
export async function startInProcessTarget(options: InProcessTargetOptions): Promise<InProcessTarget> {
  const child = await spawnChildServer<{ endpoint: string }>(DYNALITE_ENTRY, []);
  const dynalite = { endpoint: child.handshake.endpoint, close: child.stop };
  try {
    const base = options.config;
    // One local server stands in for every replica: replica order and failover still run.
    const config = resolveRouterConfig({
      ...base,
      endpoints: Object.fromEntries(base.replicaRegions.map((r) => [r, dynalite.endpoint])),
      cache: {
        ...base.cache,
        ...(options.cacheTtlMs !== undefined && { ttlMs: options.cacheTtlMs }),
        ...(options.cacheMaxEntries !== undefined && { maxEntries: options.cacheMaxEntries }),
      },
    });
    const admin = new DynamoDBClient({
      region: base.replicaRegions[0] as string,
      endpoint: dynalite.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureRouterTable(admin, config.tableName);
    const suffix = config.allowedOriginSuffixes.find((s) => s.startsWith('.')) ?? '.origin.example.com';
    const regionRecords = defaultRegionsRecord(config.replicaRegions, suffix);
    await seedLoadTestTenants({
      client: admin,
      tableName: config.tableName,
      tenants: options.tenants,
      fallbackRegions: regionRecords,
      ...(options.onSeedProgress !== undefined && { onProgress: options.onSeedProgress }),
    });
    admin.destroy();

    const regionOfOrigin = new Map<string, string>();
    for (const [region, record] of regionRecords) regionOfOrigin.set(record.origin.domainName, region);
    const added = options.addedReadLatencyMs ?? 0;
    const meter = createReadMeter({ addedLatencyMs: () => added });
    const clients: DynamoDBClient[] = [];
    const clientForRegion = (region: Region) => {
      // Exactly the router's own client (one attempt, abortable, keep-alive), at config.endpoints.
      const client = createReplicaClient(config, region);
      clients.push(client);
      return meter.instrument(client, region);
    };
    const recorder = createRequestOutcomeRecorder();
    // The production handler and its one assembly of stores; only the clients are metered.
    const handler = createOriginRequestHandler({
      config,
      clientForRegion,
      logger: silentLogger,
      edgeRegion: options.edgeRegion,
      hooks: recorder.hooks,
    });

    return {
      config,
      assembly: handler.assembly,
      async send(host, index) {
        const event = originRequestEvent(host, '/', `lt-${index}`);
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
        return meter.reads;
      },
      async close() {
        for (const client of clients) client.destroy();
        await dynalite.close();
      },
    };
  } catch (error) {
    await dynalite.close();
    throw error;
  }
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
