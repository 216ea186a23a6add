/**
 * The control API's `GET /status` document: every endpoint, the data and its state, the replicas
 * with their faults and counters, the origins, the handler and its loaded regions, the counters
 * and the demo hosts. Read afresh on each request.
 */
import type { RouterConfig } from '../../edge/config.ts';
import type { EdgeCounters } from './edge-counters.ts';
import type { EdgeHandlers } from './edge-handlers.ts';
import { EDGE_REGION_HEADER } from './emulator-server.ts';
import type { LocalData } from './local-data.ts';
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
  readonly data: LocalData;
  readonly replicas: ReplicaSet;
  readonly origins: OriginSet;
  readonly handlers: EdgeHandlers;
  readonly counters: EdgeCounters;
}

/** Builds the `/status` document. */
export function localEdgeStatus(s: StatusSources): Record<string, unknown> {
  return {
    startedAt: s.startedAt,
    edge: { url: s.edgeUrl, defaultEdgeRegion: s.defaultEdgeRegion, edgeRegionHeader: EDGE_REGION_HEADER },
    control: { url: s.controlUrl() },
    dynamodb: {
      endpoint: s.data.endpoint,
      running: s.data.running,
      table: s.config.tableName,
      dataDir: s.dataDir ?? null,
    },
    replicas: Object.fromEntries(
      Object.entries(s.replicas.views()).map(([region, r]) => [
        region,
        { endpoint: r.endpoint, fault: r.fault, counters: r.counters },
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
