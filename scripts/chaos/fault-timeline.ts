/**
 * The chaos scenario's timeline: which faults hold in which phase, in turn and then together.
 * Pure: the scenario applies it to the local edge's replica endpoints.
 */
import type { FaultSetting } from '../local-edge/replica-proxy.ts';

/** A migration batch a phase starts. */
export type MigrationBatchName = 'batch-a' | 'batch-b';

/** One phase of the scenario. */
export interface ChaosPhase {
  /** Short machine name (`replica-cut-off`). */
  readonly name: string;
  /** What is injected, for the summary. */
  readonly description: string;
  /** Start and end, ms from the start of the load. */
  readonly startMs: number;
  readonly endMs: number;
  /** Fault of each replica region during the phase; regions not listed are `normal`. */
  readonly faults: Readonly<Record<string, FaultSetting>>;
  /** A migration batch started when the phase begins. */
  readonly startsMigration?: MigrationBatchName;
  /** True while the whole DynamoDB server is unreachable (uncached lookups must answer 503). */
  readonly serverDown: boolean;
  /** Replica regions replication into which is paused during the phase (the `replication` fault). */
  readonly replicationPaused: readonly string[];
}

/** Options of {@link chaosTimeline}. */
export interface TimelineOptions {
  /** Length of an ordinary phase, ms. */
  readonly phaseMs: number;
  /** Length of a server outage, ms; longer than the cache TTL so cached routes expire during it. */
  readonly outageMs: number;
  /** Every replica region. */
  readonly regions: readonly string[];
  /** The replica nearest the viewers' edge region: the one cut off. */
  readonly nearest: string;
  /** Share of reads throttled (0..1). */
  readonly throttleShare: number;
}

/**
 * The phases, back to back: baseline; the nearest replica cut off (it accepts connections and
 * never answers); a share of reads throttled on every replica; the server stopped (every replica
 * endpoint refuses connections) for `outageMs`; recovery; a migration batch started while
 * replication into the nearest replica is paused (the switches reach the viewers' replica only
 * once it resumes), then running on with replication resumed; then everything together
 * (cut-off + throttling + a second migration batch, with a full outage in the middle); and a
 * final recovery.
 */
export function chaosTimeline(options: TimelineOptions): ChaosPhase[] {
  const { phaseMs: p, outageMs: o, regions, nearest, throttleShare } = options;
  if (!regions.includes(nearest)) throw new RangeError(`${nearest} is not a replica region`);
  const hang: FaultSetting = { mode: 'hang' };
  const throttle: FaultSetting = { mode: 'throttle', share: throttleShare };
  const refuse: FaultSetting = { mode: 'refuse' };
  const all = (fault: FaultSetting) => Object.fromEntries(regions.map((r) => [r, fault]));
  const degraded = Object.fromEntries(regions.map((r) => [r, r === nearest ? hang : throttle]));
  const pct = `${Math.round(throttleShare * 100)}%`;
  const specs: Array<
    Omit<ChaosPhase, 'startMs' | 'endMs' | 'replicationPaused'> & {
      readonly lengthMs: number;
      readonly replicationPaused?: readonly string[];
    }
  > = [
    { name: 'baseline', description: 'no fault', faults: {}, serverDown: false, lengthMs: p },
    {
      name: 'replica-cut-off',
      description: `replica ${nearest} cut off (accepts, never answers)`,
      faults: { [nearest]: hang },
      serverDown: false,
      lengthMs: p,
    },
    {
      name: 'throttled-reads',
      description: `${pct} of reads throttled on every replica`,
      faults: all(throttle),
      serverDown: false,
      lengthMs: p,
    },
    {
      name: 'server-stopped',
      description: `DynamoDB server unreachable for ${o} ms (every endpoint refuses)`,
      faults: all(refuse),
      serverDown: true,
      lengthMs: o,
    },
    { name: 'recovery', description: 'no fault', faults: {}, serverDown: false, lengthMs: p },
    {
      name: 'replication-paused',
      description: `migration batch A starts; replication into ${nearest} paused`,
      faults: {},
      startsMigration: 'batch-a',
      serverDown: false,
      replicationPaused: [nearest],
      lengthMs: p,
    },
    {
      name: 'migration',
      description: 'migration batch A running, replication resumed, no fault',
      faults: {},
      serverDown: false,
      lengthMs: 2 * p,
    },
    {
      name: 'together',
      description: `migration batch B + ${nearest} cut off + ${pct} throttled elsewhere`,
      faults: degraded,
      startsMigration: 'batch-b',
      serverDown: false,
      lengthMs: p,
    },
    {
      name: 'together-stopped',
      description: `migration batch B + server unreachable for ${o} ms`,
      faults: all(refuse),
      serverDown: true,
      lengthMs: o,
    },
    {
      name: 'together-after',
      description: `migration batch B + ${nearest} cut off + ${pct} throttled elsewhere`,
      faults: degraded,
      serverDown: false,
      lengthMs: p,
    },
    { name: 'final-recovery', description: 'no fault', faults: {}, serverDown: false, lengthMs: p },
  ];
  let at = 0;
  return specs.map(({ lengthMs, replicationPaused, ...phase }) => {
    const startMs = at;
    at += lengthMs;
    return { ...phase, replicationPaused: replicationPaused ?? [], startMs, endMs: at };
  });
}

/** Total length of the {@link chaosTimeline}: ten ordinary phase lengths and two outages. */
export function chaosDurationMs(options: Pick<TimelineOptions, 'phaseMs' | 'outageMs'>): number {
  return 10 * options.phaseMs + 2 * options.outageMs;
}

/** The phase an offset (ms from the start) falls in; the last phase for offsets past the end. */
export function phaseAt(timeline: readonly ChaosPhase[], offsetMs: number): ChaosPhase {
  for (const phase of timeline) if (offsetMs < phase.endMs) return phase;
  return timeline[timeline.length - 1] as ChaosPhase;
}

/** The fault of every region in a phase (`normal` where the phase names none). */
export function faultsOf(phase: ChaosPhase, regions: readonly string[]): Array<[string, FaultSetting]> {
  return regions.map((r) => [r, phase.faults[r] ?? { mode: 'normal' }]);
}
