/**
 * The bounded ops-fuzz history (`npm run ops-fuzz` runs longer ones): concurrent operator
 * processes against the local edge, some SIGKILLed in the middle of a command and restarted,
 * then `tenants check` finds no violation and every claim reaches the tenant last told it owns.
 */
import { describe, expect, it } from 'vitest';
import { runOpsFuzz } from '../../scripts/ops-fuzz/fuzz-run.ts';

describe('ops-fuzz (bounded)', () => {
  it('leaves no violation and routes every claim to its owner after kills and restarts', async () => {
    // Small: it shares two cores with the rest of the suite (the chaos test is timing-sensitive).
    const report = await runOpsFuzz({ seed: 7, workers: 2, opsPerWorker: 12, kills: 2, writeRegions: 1 });
    expect(report.verdict.violations).toEqual([]);
    expect(report.verdict.checkExitCode).toBe(0);
    expect(report.verdict.misrouted).toEqual([]);
    // The history really had kills, restarts and claims to check (a run with none proves nothing).
    expect(report.kills).toBeGreaterThan(0);
    expect(report.processes).toBe(2 + report.kills);
    expect(report.verdict.routesChecked).toBeGreaterThan(0);
    expect(report.outcomes.ok).toBeGreaterThan(0);
  }, 120_000);
});
