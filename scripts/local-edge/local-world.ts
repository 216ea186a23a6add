/**
 * The settings of the local edge's world, resolved once from its options: which edge regions the
 * function runs in, how far the replicas are from them (`latency`), how long replication takes
 * (`replicationLag`) and which region the tools write to. Bad values are a
 * {@link LocalEdgeStartError} before anything starts.
 */
import { isRegionalEdgeCacheRegion, REGIONAL_EDGE_CACHE_REGIONS } from '../../edge/region-geography.ts';
import { type LagDistribution, parseLagDistribution } from '../lib/replication/lag-distribution.ts';
import { LocalEdgeStartError } from './local-edge-errors.ts';
import type { LatencyModel } from './replica-set.ts';

/** How far the replicas are: none, the measured round trips, or those scaled (tests). */
export type LatencyOption = 'none' | 'real' | { readonly scale: number };

/** The resolved world. */
export interface LocalWorld {
  /** Every edge region the function runs in: the 13 regional edge cache regions. */
  readonly edgeRegions: readonly string[];
  readonly latency: LatencyModel;
  readonly replicationLag: LagDistribution;
  /** The replica region the tools write to. */
  readonly writeRegion: string;
  readonly jitterMs: number;
}

/** What {@link resolveLocalWorld} reads. */
export interface LocalWorldOptions {
  readonly edgeRegion: string;
  readonly replicaRegions: readonly string[];
  readonly latency?: LatencyOption | undefined;
  readonly replicationLag?: string | undefined;
  readonly writeRegion?: string | undefined;
  readonly jitterMs?: number | undefined;
}

/** Resolves and checks the world's settings. */
export function resolveLocalWorld(options: LocalWorldOptions): LocalWorld {
  if (!isRegionalEdgeCacheRegion(options.edgeRegion)) {
    throw new LocalEdgeStartError(
      `edge region ${options.edgeRegion} has no regional edge cache, so no origin-request function runs there; choose one of ${REGIONAL_EDGE_CACHE_REGIONS.join(', ')}`,
    );
  }
  const writeRegion = options.writeRegion ?? options.replicaRegions[0];
  if (writeRegion === undefined || !options.replicaRegions.includes(writeRegion)) {
    throw new LocalEdgeStartError(
      `write region ${String(writeRegion)} is not a replica region (${options.replicaRegions.join(', ')})`,
    );
  }
  const lag = parseLagDistribution(options.replicationLag ?? '0');
  if (!lag.ok) throw new LocalEdgeStartError(`replication lag ${lag.problem}`);
  const jitterMs = options.jitterMs ?? 0;
  if (!(jitterMs >= 0 && jitterMs <= 10_000)) throw new LocalEdgeStartError('jitter must be 0 to 10000 ms');
  return {
    edgeRegions: [...REGIONAL_EDGE_CACHE_REGIONS],
    latency: latencyModel(options.latency ?? 'none'),
    replicationLag: lag.lag,
    writeRegion,
    jitterMs,
  };
}

/** The latency model of an option. */
export function latencyModel(option: LatencyOption): LatencyModel {
  if (option === 'none') return { kind: 'none' };
  if (option === 'real') return { kind: 'geography', scale: 1 };
  if (!(option.scale > 0 && option.scale <= 10))
    throw new LocalEdgeStartError('latency scale must be in (0, 10]');
  return { kind: 'geography', scale: option.scale };
}

/** `real`, `none` or `scaled:F`, as the command line and `/status` show it. */
export function describeLatency(latency: LatencyModel): string {
  if (latency.kind === 'none') return 'none';
  return latency.scale === 1 ? 'real' : `scaled:${latency.scale}`;
}

/** Reads `real`, `none` or `scaled:F` (0 < F <= 10); undefined for anything else. */
export function parseLatencyOption(value: string): LatencyOption | undefined {
  if (value === 'real' || value === 'none') return value;
  const scaled = /^scaled:(\d+(?:\.\d+)?)$/.exec(value);
  const scale = scaled === null ? Number.NaN : Number(scaled[1]);
  return scale > 0 && scale <= 10 ? { scale } : undefined;
}
