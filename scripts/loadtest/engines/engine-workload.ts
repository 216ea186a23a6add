/**
 * The workload an engine's test is written from (`workload.json` beside the emitted test): the
 * hosts and their kinds, popularity, rate, schedule, statuses expected, where to send, and the
 * router's cache settings the minimum read count needs. Emitted by `--emit`, read back by
 * `--import`, so both sides describe the same run.
 */
import type { HostKind, HostsKindChoice } from '../../lib/generated-hosts.ts';

/** Format version of workload.json. */
export const ENGINE_WORKLOAD_VERSION = 1;

/** `workload.json`. */
export interface EngineWorkload {
  readonly version: typeof ENGINE_WORKLOAD_VERSION;
  readonly engine: 'locust';
  /** The `npm run loadtest -- --emit ...` command that wrote it. */
  readonly emittedBy: string;
  /** Base URL every request goes to with the Host header set; absent: `https://<host>/` by DNS. */
  readonly target?: string;
  /** The local edge's control API, for its read counters. */
  readonly controlUrl?: string;
  /** Header naming the emulated edge region (the local edge), set from each worker's region. */
  readonly edgeRegionHeader?: string;
  /** The regions workers run in, one worker each (`--edge-regions`); empty: one worker, no label. */
  readonly regions: readonly string[];
  /** Open-loop generators: one Locust user per worker. */
  readonly users: number;
  /** Hosts, most popular first. */
  readonly hosts: readonly string[];
  /** Kind of each generated host, by index; absent for a hosts file. */
  readonly hostKinds?: readonly HostKind[];
  readonly hostsKind?: HostsKindChoice;
  readonly zipf: number;
  readonly seed: number;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly timeoutMs: number;
  /** Connections per generator. */
  readonly connections: number;
  readonly expect: {
    readonly label: string;
    readonly classes: readonly number[];
    readonly codes: readonly number[];
  };
  /** The router's route cache, for the minimum read count (config/local.json and overrides). */
  readonly cache: { readonly ttlMs: number; readonly negativeTtlMs: number; readonly maxTenants: number };
  /** Seconds to give `--run-time`: warm-up, duration and time for the last answers. */
  readonly runTimeSeconds: number;
}

/** Narrows parsed JSON to a workload of this version, naming what is wrong otherwise. */
export function checkEngineWorkload(value: unknown, source: string): EngineWorkload {
  const w = value as Partial<EngineWorkload> | null;
  if (typeof w !== 'object' || w === null) throw new Error(`${source}: not a JSON object`);
  if (w.version !== ENGINE_WORKLOAD_VERSION)
    throw new Error(
      `${source}: version ${String(w.version)}, this load test reads ${ENGINE_WORKLOAD_VERSION}`,
    );
  if (w.engine !== 'locust') throw new Error(`${source}: engine ${String(w.engine)} is not locust`);
  if (!Array.isArray(w.hosts) || w.hosts.length === 0) throw new Error(`${source}: no hosts`);
  for (const field of ['ratePerSecond', 'durationMs', 'warmupMs', 'users', 'zipf', 'seed'] as const)
    if (typeof w[field] !== 'number') throw new Error(`${source}: ${field} is not a number`);
  return w as EngineWorkload;
}
