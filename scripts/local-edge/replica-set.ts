/**
 * The local edge's replicas: one fault-injectable DynamoDB endpoint per replica region, each a
 * proxy to the one embedded server (what `config.endpoints` points the router at).
 */
import { startAll } from '../lib/cleanup-stack.ts';
import type { FaultSetting, ReplicaCounters, ReplicaProxy } from './replica-proxy.ts';
import { startReplicaProxy } from './replica-proxy.ts';

/** One replica region's DynamoDB endpoint, as the local edge shows it. */
export interface ReplicaEndpoint {
  readonly region: string;
  readonly endpoint: string;
  readonly fault: FaultSetting;
  readonly counters: Readonly<ReplicaCounters>;
  setFault(fault: FaultSetting): Promise<void>;
}

/** Options of {@link startReplicaSet}. */
export interface ReplicaSetOptions {
  readonly regions: readonly string[];
  /** The DynamoDB server every endpoint forwards to. */
  readonly target: string;
  readonly host: string;
  /** Decides which requests a partial fault hits. @default Math.random */
  readonly random?: (() => number) | undefined;
}

/** The running replica endpoints. */
export interface ReplicaSet {
  /** Region -> proxy (the control API's view). */
  readonly byRegion: ReadonlyMap<string, ReplicaProxy>;
  /** Region -> endpoint URL, for `config.endpoints`. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Region -> the endpoint as the local edge exposes it. */
  views(): Record<string, ReplicaEndpoint>;
  /** Sets a region's fault. Throws RangeError for an unknown region or a bad setting. */
  setFault(region: string, fault: FaultSetting): Promise<void>;
  /** Every endpoint back to normal. */
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

/** Starts one endpoint per region; if one fails to start, the others are closed. */
export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const list = await startAll(
    options.regions.map((region) =>
      startReplicaProxy({
        region,
        target: options.target,
        host: options.host,
        ...(options.random ? { random: options.random } : {}),
      }),
    ),
  );
  const byRegion = new Map(list.map((r) => [r.region, r]));
  return {
    byRegion,
    endpoints: Object.fromEntries(list.map((r) => [r.region, r.endpoint])),
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
    get fault() {
      return r.fault;
    },
    counters: r.counters,
    setFault: (fault) => r.setFault(fault),
  };
}
