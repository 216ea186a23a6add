/**
 * Starts the load test's own local edge in a child process (see local-edge-process.ts) and reads
 * its counters through the control API.
 */
import { fileURLToPath } from 'node:url';
import { spawnChildServer } from '../lib/child-server.ts';
import type { HostsKindChoice } from '../lib/generated-hosts.ts';
import type { LatencyOption } from '../local-edge/local-world.ts';

/** Settings passed to the child. */
export interface LocalEdgeChildSettings {
  readonly tenants: number;
  readonly hostsKind?: HostsKindChoice;
  readonly edgeRegion: string;
  readonly latency?: LatencyOption;
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
}

/** A running child local edge. */
export interface LocalEdgeChild {
  readonly url: string;
  readonly controlUrl: string;
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./local-edge-process.ts', import.meta.url));

/** Spawns the child and waits until its tenants exist. `onSeedProgress` sees the tenants written. */
export async function spawnLocalEdge(
  settings: LocalEdgeChildSettings,
  onSeedProgress?: (written: number) => void,
): Promise<LocalEdgeChild> {
  const child = await spawnChildServer<{ url: string; controlUrl: string }>(ENTRY, {
    args: [JSON.stringify(settings)],
    onStderrLine: (line) => {
      const seeded = /^seeded (\d+)$/.exec(line);
      if (seeded !== null) onSeedProgress?.(Number(seeded[1]));
    },
  });
  return { url: child.handshake.url, controlUrl: child.handshake.controlUrl, stop: child.close };
}

/** The replica counters of a local edge's `/status`. */
async function replicaCounters(
  controlUrl: string,
): Promise<{ requests?: number; byEdgeRegion?: Record<string, number> }[]> {
  const response = await fetch(new URL('/status', controlUrl));
  if (!response.ok) throw new Error(`local edge /status answered ${response.status}`);
  const status = (await response.json()) as {
    replicas?: Record<string, { counters?: { requests?: number; byEdgeRegion?: Record<string, number> } }>;
  };
  if (status.replicas === undefined) throw new Error('local edge /status has no replica counters');
  return Object.values(status.replicas).map((r) => r.counters ?? {});
}

/** Router reads so far: the requests forwarded by the local edge's replica endpoints, from `/status`. */
export async function localEdgeReads(controlUrl: string): Promise<number> {
  let reads = 0;
  for (const counters of await replicaCounters(controlUrl)) reads += counters.requests ?? 0;
  return reads;
}

/** Router reads so far by edge region: what each edge region's endpoints of every replica served. */
export async function localEdgeReadsByEdgeRegion(controlUrl: string): Promise<Record<string, number>> {
  const reads: Record<string, number> = {};
  for (const counters of await replicaCounters(controlUrl))
    for (const [edge, n] of Object.entries(counters.byEdgeRegion ?? {})) reads[edge] = (reads[edge] ?? 0) + n;
  return reads;
}
