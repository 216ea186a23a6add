/**
 * Applies the chaos timeline to the running edge: at each phase's start (from the load's time
 * origin) it reads the replica counters for the phase boundary, sets every replica's fault and
 * replication pause, and tells the scenario (which starts the phase's migration batch). Before
 * it resumes a paused region it notes how many replicated writes the pause was holding.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosEdge } from './chaos-edge.ts';
import { type ChaosPhase, faultsOf } from './fault-timeline.ts';
import type { PhaseStats } from './phase-stats.ts';

/** Options of {@link injectFaults}. */
export interface FaultInjection {
  readonly timeline: readonly ChaosPhase[];
  readonly edge: Pick<
    ChaosEdge,
    'replicaCounts' | 'setFault' | 'replicaRegions' | 'setReplicationPaused' | 'replicationPending'
  >;
  readonly stats: PhaseStats;
  /** The load's time origin (`performance.now()` of its first measured request). */
  readonly t0: number;
  /** Length of the whole load, ms: the last phase's counters are read then. */
  readonly durationMs: number;
  /** Called once each phase's faults are in place. */
  readonly onPhase: (phase: ChaosPhase) => void;
  /** Hears, as a paused region is resumed, how many replicated writes were waiting for it. */
  readonly onReplicationResumed?: (region: string, heldWrites: number) => void;
}

/** Runs the timeline to its end; resolves after the last phase's counters are read. */
export async function injectFaults(options: FaultInjection): Promise<void> {
  const { edge, stats, t0 } = options;
  let previous: ChaosPhase | undefined;
  for (const phase of options.timeline) {
    const wait = t0 + phase.startMs - performance.now();
    if (wait > 0) await sleep(wait);
    stats.markBoundary(previous?.name, phase.name, await edge.replicaCounts());
    await Promise.all(
      faultsOf(phase, edge.replicaRegions).map(([region, fault]) => edge.setFault(region, fault)),
    );
    await applyReplicationPauses(options, previous, phase);
    options.onPhase(phase);
    previous = phase;
  }
  const last = t0 + options.durationMs - performance.now();
  if (last > 0) await sleep(last);
  if (previous !== undefined) stats.markBoundary(previous.name, undefined, await edge.replicaCounts());
}

/** Pauses the regions the phase pauses and resumes the ones the previous phase had paused. */
async function applyReplicationPauses(
  options: FaultInjection,
  previous: ChaosPhase | undefined,
  phase: ChaosPhase,
): Promise<void> {
  const { edge } = options;
  for (const region of previous?.replicationPaused ?? []) {
    if (phase.replicationPaused.includes(region)) continue;
    options.onReplicationResumed?.(region, await edge.replicationPending(region));
    await edge.setReplicationPaused(region, false);
  }
  for (const region of phase.replicationPaused) await edge.setReplicationPaused(region, true);
}
