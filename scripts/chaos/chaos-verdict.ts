/**
 * The assertions of the chaos scenario, applied to its report. Pure.
 */
import type { ChaosReport } from './chaos-result.ts';
import type { ChaosPhase } from './fault-timeline.ts';

/**
 * The assertions of the scenario: no failed request for cached tenants and no failure other than a
 * clear 503 for the rest, no misroute, every migration done and routed to its target, the table
 * changed exactly as expected, and every injected fault felt (a fault nobody felt proves nothing).
 */
export function chaosVerdict(
  report: Omit<ChaosReport, 'verdict'>,
  timeline: readonly ChaosPhase[],
): ChaosReport['verdict'] {
  const problems: string[] = [];
  const { all, cached } = report.totals;
  if (cached.failed > 0) problems.push(`${cached.failed} requests for cached tenants failed`);
  const uncachedFailed = all.failed - cached.failed;
  if (uncachedFailed > 0)
    problems.push(`${uncachedFailed} requests for uncached tenants failed other than with a clear 503`);
  if (all.misrouted > 0) problems.push(`${all.misrouted} requests were misrouted`);
  if (cached.unavailable > 0) problems.push(`${cached.unavailable} cached tenants answered 503`);
  const m = report.migrations;
  if (m.done !== m.ordered)
    problems.push(`${m.ordered - m.done} of ${m.ordered} migrations did not complete`);
  if (report.finalCheck.problems.length > 0) {
    problems.push(`final check: ${report.finalCheck.problems.length} tenants not where they should be`);
  }
  const t = report.table;
  if (t.lost.length > 0) problems.push(`table: ${t.lost.length} items lost`);
  if (t.unexpectedlyChanged.length > 0)
    problems.push(`table: ${t.unexpectedlyChanged.length} items changed unexpectedly`);
  if (t.unexpectedlyAdded.length > 0)
    problems.push(`table: ${t.unexpectedlyAdded.length} unexpected items added`);
  if (t.wrongRegion.length > 0)
    problems.push(`table: ${t.wrongRegion.length} migrated tenants not in their target region`);
  if (t.migratedAsExpected !== m.ordered) {
    problems.push(`table: ${t.migratedAsExpected} of ${m.ordered} migrated tenant items changed as expected`);
  }
  if (t.auditItems !== m.ordered)
    problems.push(`table: ${t.auditItems} audit items for ${m.ordered} migrations`);
  for (const phase of timeline) {
    const seen = report.phases.find((p) => p.name === phase.name);
    if (seen === undefined) continue;
    const faulted = Object.values(seen.replicas).reduce((sum, r) => sum + r.faulted, 0);
    const modes = Object.values(phase.faults).map((f) => f.mode);
    if (modes.some((mode) => mode === 'hang' || mode === 'throttle') && faulted === 0) {
      problems.push(`phase ${phase.name}: the injected fault was never hit`);
    }
    if (phase.serverDown && seen.uncached.sent > 0 && seen.uncached.unavailable === 0) {
      problems.push(`phase ${phase.name}: no uncached lookup saw the outage`);
    }
    if (seen.cached.sent === 0) problems.push(`phase ${phase.name}: no request for a cached tenant was sent`);
  }
  return { passed: problems.length === 0, problems };
}
