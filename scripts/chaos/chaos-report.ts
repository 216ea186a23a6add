/**
 * The chaos scenario's summary for people: what was injected in each phase, what viewers saw,
 * the migrations, the table comparison and the verdict. Pure.
 */
import type { ChaosReport, ViewerCounts } from './chaos-result.ts';

const pad = (text: string | number, width: number) => String(text).padStart(width);
const padEnd = (text: string | number, width: number) => String(text).padEnd(width);
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function countsLine(c: ViewerCounts): string {
  return `${pad(c.sent, 6)} ${pad(c.ok, 6)} ${pad(c.unavailable, 6)} ${pad(c.failed, 6)} ${pad(c.misrouted, 6)}`;
}

/** The summary printed by `npm run chaos`. */
export function formatChaosReport(report: ChaosReport): string {
  const s = report.settings;
  const lines: string[] = [];
  lines.push(
    `chaos scenario: ${s.ratePerSecond} req/s open loop from edge region ${s.edgeRegion}, cache TTL ${s.ttlMs} ms, ` +
      `${s.hotTenants} cached tenants + ${Math.round(s.coldShare * 100)}% requests for uncached ones, seed ${s.seed}`,
  );
  lines.push(
    `nearest replica ${report.nearestReplica} (the one cut off); migrations run against ${report.operatorRegion}; ` +
      `took ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  const latency = typeof s.latency === 'string' ? s.latency : `scaled:${s.latency.scale}`;
  lines.push(
    `world: latency ${latency}, replication lag ${s.replicationLag} (router allows ${s.replicationLagAllowanceMs} ms)` +
      report.replicationPauses
        .map((p) => `; replication into ${p.region} paused, ${p.heldWrites} writes held`)
        .join(''),
  );
  lines.push('');
  lines.push('phase                time (s)      injected');
  for (const p of report.phases) {
    const faulted = Object.entries(p.replicas)
      .filter(([, r]) => r.faulted > 0)
      .map(([region, r]) => `${region} faulted ${r.faulted}/${r.requests}`)
      .join(', ');
    lines.push(
      `${padEnd(p.name, 20)} ${pad((p.startMs / 1000).toFixed(1), 5)}-${padEnd((p.endMs / 1000).toFixed(1), 6)} ${p.description}${faulted === '' ? '' : ` [${faulted}]`}`,
    );
  }
  lines.push('');
  lines.push(
    'what viewers saw       cached tenants                          uncached tenants                        latency ms',
  );
  lines.push(
    'phase                  sent     ok    503 failed misrte    sent     ok    503 failed misrte   p50    p99  router p99',
  );
  for (const p of report.phases) {
    lines.push(
      `${padEnd(p.name, 20)} ${countsLine(p.cached)}  ${countsLine(p.uncached)} ${pad(ms(p.latency.p50), 5)} ${pad(ms(p.latency.p99), 6)} ${pad(ms(p.routerLatency.p99), 10)}`,
    );
  }
  const t = report.totals;
  lines.push(
    `${padEnd('total', 20)} ${countsLine(t.cached)}  ${countsLine(t.uncached)} ${pad(ms(report.latency.p50), 5)} ${pad(ms(report.latency.p99), 6)}`,
  );
  lines.push('');
  const m = report.migrations;
  const interrupted = Object.entries(m.interruptions)
    .map(([kind, n]) => `${kind} x${n}`)
    .join(', ');
  lines.push(
    `migrations: ${m.done}/${m.ordered} done, ${m.failed} failed, ${m.resumed} runs resumed after an interruption${interrupted === '' ? '' : ` (${interrupted})`}`,
  );
  for (const r of m.results.filter((x) => x.outcome === 'failed')) {
    lines.push(`  ${r.tenantId} ${r.from} -> ${r.to}: ${r.reason}`);
  }
  lines.push(
    `final check: ${report.finalCheck.ok}/${report.finalCheck.requested} cached tenants answered by the right region (migrated ones by their target)`,
  );
  for (const problem of report.finalCheck.problems.slice(0, 10)) lines.push(`  ${problem}`);
  const d = report.table;
  lines.push(
    `table: ${d.itemsBefore} items before, ${d.itemsAfter} after; ${d.migratedAsExpected} tenant items migrated as expected, ` +
      `${d.auditItems} audit items added; lost ${d.lost.length}, changed unexpectedly ${d.unexpectedlyChanged.length}, ` +
      `added unexpectedly ${d.unexpectedlyAdded.length}, wrong region ${d.wrongRegion.length}`,
  );
  for (const key of [...d.lost, ...d.unexpectedlyChanged, ...d.unexpectedlyAdded].slice(0, 10))
    lines.push(`  ${key}`);
  const logs = Object.entries(report.routerLogs)
    .map(([key, n]) => `${key}: ${n}`)
    .join('; ');
  lines.push(`router log lines: ${logs === '' ? 'none' : logs}`);
  if (report.problems.length > 0) {
    lines.push('problem requests (first 25):');
    for (const p of report.problems) {
      lines.push(`  [${p.phase}] ${p.host} (${p.cached ? 'cached' : 'uncached'}) ${p.verdict}: ${p.why}`);
    }
  }
  lines.push('');
  lines.push(
    report.verdict.passed
      ? 'PASSED: no failed or misrouted request for cached tenants, only clear 503s for uncached ones, every migration in its target region, the table exactly as expected'
      : `FAILED:\n${report.verdict.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return `${lines.join('\n')}\n`;
}
