/**
 * What the chaos scenario reports: viewer counts by verdict, per phase and in total, the problem
 * requests, the migrations, the final check, the table comparison and the verdict.
 */
import type { LatencySummary } from '../loadtest/latency-histogram.ts';
import type { ChaosSettings } from './chaos-settings.ts';
import type { ChaosPhase } from './fault-timeline.ts';
import type { FinalCheck } from './final-check.ts';
import type { MigrationResult } from './migration-batch.ts';
import type { TableDiff } from './table-snapshot.ts';
import type { ViewerVerdict } from './viewer-verdict.ts';

/** What viewers saw, by verdict. */
export interface ViewerCounts {
  sent: number;
  ok: number;
  /** Clear 503s (`lookup-failed` + Retry-After) for uncached tenants. */
  unavailable: number;
  failed: number;
  misrouted: number;
}

/** One phase: what was injected and what viewers saw. */
export interface PhaseReport {
  readonly name: string;
  readonly description: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Requests each replica endpoint received and faulted during the phase. */
  readonly replicas: Readonly<Record<string, { requests: number; faulted: number }>>;
  readonly cached: ViewerCounts;
  readonly uncached: ViewerCounts;
  /** Response time at the viewer, ms. */
  readonly latency: LatencySummary;
  /** The router's own time (Server-Timing), ms. */
  readonly routerLatency: LatencySummary;
}

/** One failed or misrouted request. */
export interface ViewerProblem {
  readonly phase: string;
  readonly host: string;
  readonly cached: boolean;
  readonly verdict: 'failed' | 'misrouted';
  readonly why: string;
}

/** Everything the scenario measured, and its verdict. */
export interface ChaosReport {
  readonly settings: ChaosSettings;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly nearestReplica: string;
  readonly operatorRegion: string;
  readonly phases: readonly PhaseReport[];
  readonly totals: {
    readonly cached: ViewerCounts;
    readonly uncached: ViewerCounts;
    readonly all: ViewerCounts;
  };
  /** Up to 25 problem requests. */
  readonly problems: readonly ViewerProblem[];
  readonly latency: LatencySummary;
  readonly migrations: {
    readonly ordered: number;
    readonly done: number;
    readonly failed: number;
    /** Runs resumed after a fault interrupted them. */
    readonly resumed: number;
    readonly interruptions: Readonly<Record<string, number>>;
    readonly results: readonly MigrationResult[];
  };
  /** After the faults: every cached tenant requested once more, migrated ones must answer from their target. */
  readonly finalCheck: FinalCheck;
  readonly table: TableDiff;
  /** Router log lines by `level msg reason`. */
  readonly routerLogs: Readonly<Record<string, number>>;
  /** Each replication pause: its region and the replicated writes it was holding when it ended. */
  readonly replicationPauses: readonly { readonly region: string; readonly heldWrites: number }[];
  readonly verdict: { readonly passed: boolean; readonly problems: readonly string[] };
}

/** Progress of a run, for the CLI's display. */
export type ChaosProgress =
  | { readonly type: 'setup'; readonly message: string }
  | { readonly type: 'phase'; readonly phase: ChaosPhase }
  | { readonly type: 'load'; readonly sent: number; readonly total: number; readonly counts: ViewerCounts }
  | { readonly type: 'migration'; readonly result: MigrationResult };

/** Zero counts. */
export const emptyCounts = (): ViewerCounts => ({ sent: 0, ok: 0, unavailable: 0, failed: 0, misrouted: 0 });

/** Counts one verdict. */
export function countVerdict(counts: ViewerCounts, verdict: ViewerVerdict): void {
  counts.sent++;
  if (verdict.kind === 'ok') counts.ok++;
  else if (verdict.kind === 'unavailable') counts.unavailable++;
  else if (verdict.kind === 'failed') counts.failed++;
  else counts.misrouted++;
}

/** The sum of two counts. */
export function addCounts(a: ViewerCounts, b: ViewerCounts): ViewerCounts {
  return {
    sent: a.sent + b.sent,
    ok: a.ok + b.ok,
    unavailable: a.unavailable + b.unavailable,
    failed: a.failed + b.failed,
    misrouted: a.misrouted + b.misrouted,
  };
}
