/**
 * The chaos scenario's local edge in a child process (chaos-edge-process.ts): fault control
 * through its control API, and the router's JSON log lines counted as they arrive.
 */
import { fileURLToPath } from 'node:url';
import { spawnChildServer } from '../lib/child-server.ts';
import type { LatencyOption } from '../local-edge/local-world.ts';
import type { FaultSetting } from '../local-edge/replica-proxy.ts';

/** Settings passed to the child. */
export interface ChaosEdgeSettings {
  readonly edgeRegion: string;
  /** Generated `lt-` tenants to seed. */
  readonly tenants: number;
  readonly ttlMs: number;
  readonly maxStaleMs: number;
  readonly attemptTimeoutMs: number;
  readonly budgetMs: number;
  /** The router's replication lag allowance (in its staleness bound), ms. */
  readonly replicationLagMs: number;
  /** Replica distance of the edge. */
  readonly latency: LatencyOption;
  /** Lag of each replicated write (`lag-distribution.ts`). */
  readonly replicationLag: string;
}

/** What the child reports once it is ready. */
export interface ChaosEdgeHandshake {
  readonly url: string;
  readonly controlUrl: string;
  /** The DynamoDB server itself, not behind a replica endpoint. */
  readonly dynamodbEndpoint: string;
  /** Replica region -> its fault-injectable endpoint. */
  readonly replicas: Readonly<Record<string, string>>;
  /** Origin domain -> local echo server URL. */
  readonly origins: Readonly<Record<string, string>>;
  readonly tableName: string;
  readonly replicaRegions: readonly string[];
  readonly platformDomain: string;
  readonly propagationWaitMs: number;
  /** The replica the edge region reads first. */
  readonly nearestReplica: string;
}

/** Counters of one replica endpoint, from the control API. */
export interface ReplicaCounts {
  readonly requests: number;
  readonly forwarded: number;
  readonly faulted: number;
  readonly upstreamErrors: number;
}

/** A running chaos edge. */
export interface ChaosEdge extends ChaosEdgeHandshake {
  setFault(region: string, fault: FaultSetting): Promise<void>;
  clearFaults(): Promise<void>;
  /** The `replication` fault: pauses or resumes replication into `region`. */
  setReplicationPaused(region: string, paused: boolean): Promise<void>;
  /** Replicated writes waiting for `region`. */
  replicationPending(region: string): Promise<number>;
  /** Replica region -> counters. */
  replicaCounts(): Promise<Record<string, ReplicaCounts>>;
  /** Router log lines so far, by `level msg reason` (e.g. `error route-problem lookup-failed`). */
  readonly logCounts: ReadonlyMap<string, number>;
  /** Lines the child printed on stderr (emulator diagnostics, errors), most recent last. */
  readonly diagnostics: readonly string[];
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./chaos-edge-process.ts', import.meta.url));
const MAX_DIAGNOSTICS = 200;

/** Spawns the child and waits for its handshake line. */
export async function spawnChaosEdge(settings: ChaosEdgeSettings): Promise<ChaosEdge> {
  const diagnostics: string[] = [];
  const logCounts = new Map<string, number>();
  const child = await spawnChildServer<ChaosEdgeHandshake>(ENTRY, {
    args: [JSON.stringify(settings)],
    onStderrLine: (line) => {
      diagnostics.push(line);
      if (diagnostics.length > MAX_DIAGNOSTICS) diagnostics.shift();
    },
    // After the handshake, the child's stdout carries the router's JSON log lines.
    onStdoutLine: (line) => {
      const key = logKey(line);
      logCounts.set(key, (logCounts.get(key) ?? 0) + 1);
    },
  });
  const handshake = child.handshake;
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${handshake.controlUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control API ${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };

  return {
    ...handshake,
    async setFault(region, fault) {
      await control('PUT', `/faults/${encodeURIComponent(region)}`, fault);
    },
    async clearFaults() {
      await control('DELETE', '/faults');
    },
    async setReplicationPaused(region, paused) {
      await control('PUT', `/replication/${encodeURIComponent(region)}`, { paused });
    },
    async replicationPending(region) {
      const status = (await control('GET', '/replication')) as Record<string, { pending: number }>;
      return status[region]?.pending ?? 0;
    },
    async replicaCounts() {
      const status = (await control('GET', '/status')) as {
        replicas: Record<string, { counters: ReplicaCounts }>;
      };
      return Object.fromEntries(Object.entries(status.replicas).map(([r, v]) => [r, { ...v.counters }]));
    },
    logCounts,
    diagnostics,
    stop: child.close,
  };
}

/**
 * `level msg reason` of a router JSON log line (`error route-problem lookup-failed`), or `level msg
 * error` when there is no reason and the error is a short name (`warn tenant store attempt failed
 * TimeoutError`); `other` for anything else.
 */
function logKey(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; reason?: unknown; error?: unknown };
    const detail =
      entry.reason ??
      (typeof entry.error === 'string' && /^\w{1,40}$/.test(entry.error) ? entry.error : undefined);
    return [entry.level, entry.msg, detail].filter((p) => typeof p === 'string').join(' ') || 'other';
  } catch {
    return 'other';
  }
}
