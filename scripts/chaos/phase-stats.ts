/**
 * The chaos scenario's tally: what viewers saw per phase and in total, by verdict and by whether
 * the tenant was cached, their latency, the replica endpoints' counters at each phase boundary,
 * and the first problem requests.
 */
import { LatencyHistogram } from '../loadtest/latency-histogram.ts';
import type { ReplicaCounts } from './chaos-edge.ts';
import {
  countVerdict,
  emptyCounts,
  type PhaseReport,
  type ViewerCounts,
  type ViewerProblem,
} from './chaos-result.ts';
import type { ChaosPhase } from './fault-timeline.ts';
import type { ViewerVerdict } from './viewer-verdict.ts';

/** Problem requests kept for the report. */
const MAX_PROBLEMS = 25;

interface PhaseTally {
  readonly cached: ViewerCounts;
  readonly uncached: ViewerCounts;
  readonly latency: LatencyHistogram;
  readonly router: LatencyHistogram;
  replicasAtStart: Readonly<Record<string, ReplicaCounts>>;
  replicasAtEnd: Readonly<Record<string, ReplicaCounts>>;
}

/** One judged request. */
export interface JudgedRequest {
  readonly phase: string;
  readonly host: string;
  readonly cached: boolean;
  readonly verdict: ViewerVerdict;
  /** From the intended send time to the answer, ms. */
  readonly latencyMs: number;
  /** The router's own time, when the response had a Server-Timing. */
  readonly routerMs?: number | undefined;
}

/** The tally of one run. */
export class PhaseStats {
  readonly #phases = new Map<string, PhaseTally>();
  /** Every request, by whether its tenant was cached. */
  readonly totals = { cached: emptyCounts(), uncached: emptyCounts() };
  readonly problems: ViewerProblem[] = [];

  constructor(timeline: readonly ChaosPhase[]) {
    for (const phase of timeline) {
      this.#phases.set(phase.name, {
        cached: emptyCounts(),
        uncached: emptyCounts(),
        latency: new LatencyHistogram(),
        router: new LatencyHistogram(),
        replicasAtStart: {},
        replicasAtEnd: {},
      });
    }
  }

  /** Counts one judged request. */
  record(request: JudgedRequest): void {
    const tally = this.#phases.get(request.phase);
    const { verdict, cached } = request;
    if (tally !== undefined) {
      countVerdict(cached ? tally.cached : tally.uncached, verdict);
      tally.latency.record(request.latencyMs);
      if (request.routerMs !== undefined) tally.router.record(request.routerMs);
    }
    countVerdict(cached ? this.totals.cached : this.totals.uncached, verdict);
    if ((verdict.kind === 'failed' || verdict.kind === 'misrouted') && this.problems.length < MAX_PROBLEMS) {
      this.problems.push({
        phase: request.phase,
        host: request.host,
        cached,
        verdict: verdict.kind,
        why: verdict.why,
      });
    }
  }

  /** Records the replica counters at a phase boundary: the end of `ended`, the start of `started`. */
  markBoundary(
    ended: string | undefined,
    started: string | undefined,
    counts: Readonly<Record<string, ReplicaCounts>>,
  ): void {
    if (ended !== undefined) this.#tally(ended).replicasAtEnd = counts;
    if (started !== undefined) this.#tally(started).replicasAtStart = counts;
  }

  /** The report of each phase, in timeline order. */
  reports(timeline: readonly ChaosPhase[], regions: readonly string[]): PhaseReport[] {
    return timeline.map((phase) => {
      const s = this.#tally(phase.name);
      const replicas: Record<string, { requests: number; faulted: number }> = {};
      for (const region of regions) {
        const a = s.replicasAtStart[region];
        const b = s.replicasAtEnd[region];
        replicas[region] = {
          requests: (b?.requests ?? 0) - (a?.requests ?? 0),
          faulted: (b?.faulted ?? 0) - (a?.faulted ?? 0),
        };
      }
      return {
        name: phase.name,
        description: phase.description,
        startMs: phase.startMs,
        endMs: phase.endMs,
        replicas,
        cached: s.cached,
        uncached: s.uncached,
        latency: s.latency.summary(),
        routerLatency: s.router.summary(),
      };
    });
  }

  #tally(name: string): PhaseTally {
    const tally = this.#phases.get(name);
    if (tally === undefined) throw new RangeError(`no phase ${JSON.stringify(name)}`);
    return tally;
  }
}
