/**
 * Settings of the chaos scenario and its two presets: the full run of `npm run chaos` and the short
 * one of the test suite.
 */
import { DEFAULT_EDGE_REGION } from '../lib/local-defaults.ts';
import { DEFAULT_REPLICATION_LAG } from '../lib/replication/lag-distribution.ts';
import type { LatencyOption } from '../local-edge/local-world.ts';

/** Settings of one scenario run. */
export interface ChaosSettings {
  /** Requests per second, open loop. */
  readonly ratePerSecond: number;
  /** Length of an ordinary phase, ms. */
  readonly phaseMs: number;
  /** Length of each server outage, ms (must exceed the cache TTL). */
  readonly outageMs: number;
  /** Route cache TTL of the edge, ms. */
  readonly ttlMs: number;
  /** Tenants warmed into the cache before the faults (the "cached active tenants"). */
  readonly hotTenants: number;
  /** Share of requests for tenants never requested before (uncached), 0..1. */
  readonly coldShare: number;
  /** Tenants migrated in each of the two batches. */
  readonly migrationsPerBatch: number;
  /** Migrations in flight per batch. */
  readonly migrationConcurrency: number;
  /** Share of reads throttled in the throttling phases, 0..1. */
  readonly throttleShare: number;
  /** Seed of the host sequence and the migration choice. */
  readonly seed: number;
  /** Edge region of every viewer request. */
  readonly edgeRegion: string;
  /** Per-replica attempt timeout of the router's lookups, ms (the production default). */
  readonly attemptTimeoutMs: number;
  /** Total budget of one lookup, ms (the production default). */
  readonly budgetMs: number;
  /** Distance between the edge regions and the replicas. */
  readonly latency: LatencyOption;
  /** Lag of each replicated write (`lag-distribution.ts`). */
  readonly replicationLag: string;
  /** The router's allowance for that lag in its staleness bound (what migrations wait), ms. */
  readonly replicationLagAllowanceMs: number;
}

/** `npm run chaos`: about a minute, at the real distances and replication lag. */
export const FULL_CHAOS: ChaosSettings = {
  ratePerSecond: 60,
  phaseMs: 5_000,
  outageMs: 4_000,
  ttlMs: 1_000,
  hotTenants: 100,
  coldShare: 0.15,
  migrationsPerBatch: 10,
  migrationConcurrency: 4,
  throttleShare: 0.3,
  seed: 7,
  edgeRegion: DEFAULT_EDGE_REGION,
  attemptTimeoutMs: 250,
  budgetMs: 1_000,
  latency: 'real',
  replicationLag: DEFAULT_REPLICATION_LAG,
  // The lag's 99th percentile (1.5 s) plus the farthest half round trip.
  replicationLagAllowanceMs: 2_000,
};

/** The short version run by the test suite: about 20 seconds. */
export const QUICK_CHAOS: ChaosSettings = {
  ...FULL_CHAOS,
  ratePerSecond: 40,
  phaseMs: 1_500,
  outageMs: 2_500,
  hotTenants: 40,
  migrationsPerBatch: 4,
  migrationConcurrency: 2,
  // Geography on, scaled down: the test suite stays fast and the phases keep their meaning.
  latency: { scale: 0.25 },
  replicationLag: '100',
  replicationLagAllowanceMs: 500,
};
