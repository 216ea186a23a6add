/**
 * The control API's `GET /status` document: every endpoint, the data and its state, the world
 * (edge regions, latency, replication), the replicas with their endpoints, links, faults and
 * counters, the origins, the handler and its loaded regions, the counters and the demo hosts.
 * Read afresh on each request.
 */
import type { RouterConfig } from '../../edge/config.ts';
import { describeLag } from '../lib/replication/lag-distribution.ts';
import { cloudFrontSummary } from './cloudfront/cloudfront-routes.ts';
import type { LocalCloudFront } from './cloudfront/local-cloudfront.ts';
import type { EdgeCounters } from './edge-counters.ts';
import type { EdgeHandlers } from './edge-handlers.ts';
import { EDGE_REGION_HEADER } from './emulator-server.ts';
import type { LocalData } from './local-data.ts';
import { describeLatency, type LocalWorld } from './local-world.ts';
import type { OriginSet } from './origin-set.ts';
import type { ReplicaSet } from './replica-set.ts';

/** The parts of a running local edge the status shows. */
export interface StatusSources {
  readonly startedAt: string;
  readonly edgeUrl: string;
  readonly controlUrl: () => string;
  readonly defaultEdgeRegion: string;
  readonly config: RouterConfig;
  readonly dataDir: string | undefined;
  readonly world: LocalWorld;
  readonly data: LocalData;
  readonly replicas: ReplicaSet;
  readonly origins: OriginSet;
  readonly handlers: EdgeHandlers;
  readonly counters: EdgeCounters;
  readonly cloudFront: LocalCloudFront;
}

/** Builds the `/status` document. */
export function localEdgeStatus(s: StatusSources): Record<string, unknown> {
  return {
    startedAt: s.startedAt,
    edge: { url: s.edgeUrl, defaultEdgeRegion: s.defaultEdgeRegion, edgeRegionHeader: EDGE_REGION_HEADER },
    control: { url: s.controlUrl() },
    cloudFront: cloudFrontSummary(s.cloudFront),
    dynamodb: {
      // Where the tools write: the write region's operator endpoint (replicated from there).
      endpoint: s.replicas.endpoints[s.world.writeRegion],
      writeRegion: s.world.writeRegion,
      running: s.data.running,
      table: s.config.tableName,
      dataDir: s.dataDir ?? null,
      stores: Object.fromEntries(
        [...s.data.stores.byRegion].map(([region, store]) => [region, store.endpoint]),
      ),
    },
    world: {
      edgeRegions: s.world.edgeRegions,
      latency: describeLatency(s.world.latency),
      jitterMs: s.world.jitterMs,
      replicationLag: describeLag(s.world.replicationLag),
      caCertificate: s.config.endpointCaCertificate ?? null,
    },
    replication: s.data.replicator.status(),
    replicas: Object.fromEntries(
      Object.entries(s.replicas.views()).map(([region, r]) => [
        region,
        {
          endpoint: r.endpoint,
          edgeEndpoints: r.edgeEndpoints,
          links: r.links,
          fault: r.fault,
          counters: r.counters,
        },
      ]),
    ),
    origins: s.origins.status(),
    regions: s.config.replicaRegions,
    handler: {
      source: s.handlers.edgeFunction.description,
      bundle: s.handlers.bundle ?? null,
      loadedEdgeRegions: s.handlers.edgeFunction.loadedRegions,
    },
    counters: s.counters,
    demoHosts: s.data.demo.hosts,
  };
}
