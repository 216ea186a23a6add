/**
 * The local edge's replicas: per replica region, its endpoints (`replica-proxy.ts`) in front of
 * that region's own store, with writes going through the replicator. Gives the router
 * configuration its endpoints: `endpoints` (the operator endpoints) and `edgeEndpoints` (per edge
 * region, each at its distance from the replica).
 */
import { regionRoundTrip } from '../../edge/region-geography.ts';
import { startAll } from '../lib/cleanup-stack.ts';
import type { DelayLinkStats } from '../lib/network/delay-link.ts';
import type { LocalTlsCredentials } from '../lib/network/local-tls.ts';
import type { ReplicaStores } from '../lib/replication/replica-stores.ts';
import type { Replicator } from '../lib/replication/replicator.ts';
import type { FaultSetting, ReplicaCounters, ReplicaProxy } from './replica-proxy.ts';
import { startReplicaProxy } from './replica-proxy.ts';

/** How far the replicas are from the edge regions. */
export type LatencyModel =
  /** Every replica at 0 ms (tests, a fast loop). */
  | { readonly kind: 'none' }
  /** The measured round trips of `edge/region-geography.ts`, times `scale` (1: real). */
  | { readonly kind: 'geography'; readonly scale: number };

/** One replica region, as the local edge shows it. */
export interface ReplicaEndpoint {
  readonly region: string;
  /** The operator endpoint (plain HTTP, no distance, faults and replication apply). */
  readonly endpoint: string;
  /** Edge region -> the endpoint the function there reads this replica at. */
  readonly edgeEndpoints: Readonly<Record<string, string>>;
  /** Edge region -> the round trip its link adds and the round trips it counted. */
  readonly links: Readonly<Record<string, Readonly<DelayLinkStats> & { readonly rttMs: number }>>;
  readonly fault: FaultSetting;
  readonly counters: Readonly<ReplicaCounters>;
  setFault(fault: FaultSetting): Promise<void>;
}

/** Options of {@link startReplicaSet}. */
export interface ReplicaSetOptions {
  readonly regions: readonly string[];
  readonly stores: ReplicaStores;
  readonly replicator: Replicator;
  readonly tls: LocalTlsCredentials;
  /** The edge regions the function runs in (each gets an endpoint per replica). */
  readonly edgeRegions: readonly string[];
  readonly latency: LatencyModel;
  /** Jitter per delayed chunk, up to this many ms. @default 0 */
  readonly jitterMs?: number;
  readonly host: string;
  /** Decides which requests a partial fault hits. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Fixed ports of some regions' operator endpoints (`npm start -- --dynamodb-port`). @default none */
  readonly operatorPorts?: Readonly<Record<string, number>>;
}

/** The running replica endpoints. */
export interface ReplicaSet {
  /** Region -> endpoints (the control API's view). */
  readonly byRegion: ReadonlyMap<string, ReplicaProxy>;
  /** Region -> operator endpoint URL, for `config.endpoints`. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Edge region -> region -> edge endpoint URL, for `config.edgeEndpoints`. */
  readonly edgeEndpoints: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Region -> the endpoints as the local edge exposes them. */
  views(): Record<string, ReplicaEndpoint>;
  /** Sets a region's fault. Throws RangeError for an unknown region or a bad setting. */
  setFault(region: string, fault: FaultSetting): Promise<void>;
  /** Every endpoint back to normal. */
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

/** The round trip the local edge adds between `edgeRegion` and `replica`, ms. */
export function emulatedRoundTripMs(latency: LatencyModel, edgeRegion: string, replica: string): number {
  if (latency.kind === 'none') return 0;
  return (regionRoundTrip(edgeRegion, replica)?.ms ?? 0) * latency.scale;
}

/** Starts every region's endpoints; if one fails to start, the others are closed. */
export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const list = await startAll(
    options.regions.map((region) =>
      startReplicaProxy({
        region,
        store: options.stores.byRegion.get(region)?.endpoint ?? '',
        replicator: options.replicator,
        tls: options.tls,
        edgeRoundTrips: new Map(
          options.edgeRegions.map((edge) => [edge, emulatedRoundTripMs(options.latency, edge, region)]),
        ),
        jitterMs: options.jitterMs ?? 0,
        host: options.host,
        ...(options.random ? { random: options.random } : {}),
        ...(options.operatorPorts?.[region] === undefined
          ? {}
          : { operatorPort: options.operatorPorts[region] }),
      }),
    ),
  );
  const byRegion = new Map(list.map((r) => [r.region, r]));
  return {
    byRegion,
    endpoints: Object.fromEntries(list.map((r) => [r.region, r.endpoint])),
    edgeEndpoints: Object.fromEntries(
      options.edgeRegions.map((edge) => [
        edge,
        Object.fromEntries(list.map((r) => [r.region, r.edgeEndpoints[edge] as string])),
      ]),
    ),
    views: () => Object.fromEntries(list.map((r) => [r.region, endpointView(r)])),
    async setFault(region, fault) {
      const replica = byRegion.get(region);
      if (replica === undefined) throw new RangeError(`no replica endpoint for ${JSON.stringify(region)}`);
      await replica.setFault(fault);
    },
    async clearFaults() {
      await Promise.all(list.map((r) => r.setFault({ mode: 'normal' })));
    },
    async close() {
      await Promise.all(list.map((r) => r.close()));
    },
  };
}

function endpointView(r: ReplicaProxy): ReplicaEndpoint {
  return {
    region: r.region,
    endpoint: r.endpoint,
    edgeEndpoints: r.edgeEndpoints,
    links: r.links,
    get fault() {
      return r.fault;
    },
    counters: r.counters,
    setFault: (fault) => r.setFault(fault),
  };
}
