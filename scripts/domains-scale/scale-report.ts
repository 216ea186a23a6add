/**
 * The text report of a `domains:scale` run: time, calls per domain, the kill and the checks. Pure.
 */
import { checksPassed } from './scale-checks.ts';
import type { ScaleReport } from './scale-run.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const list = (items: readonly string[]) =>
  items.length === 0
    ? '0'
    : `${items.length}: ${items.slice(0, 5).join(', ')}${items.length > 5 ? ', ...' : ''}`;

/** Formats the report for a person. */
export function describeScaleRun(r: ScaleReport): string {
  const s = r.settings;
  const c = r.checks;
  const ops = Object.entries(r.cloudFrontCalls)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  const states = Object.entries(c.onboarding.byState)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  const killed =
    r.killed.exit.signal === 'SIGKILL'
      ? `SIGKILLed after ${seconds(r.killed.ms)} with ${r.killed.distributionTenants} distribution tenants made (${r.killed.issued} certificates issued)`
      : `finished before the kill point (exit ${r.killed.exit.code}) after ${seconds(r.killed.ms)}: nothing was resumed`;
  return [
    `domains:scale ${s.domains} domains over ${s.tenants} tenants, --rate ${s.rate} --concurrency ${s.concurrency} --poll-ms ${s.pollMs}`,
    `first import: ${killed}`,
    `resumed import: exit ${r.resumed.exit.code} after ${seconds(r.resumed.ms)}; total ${seconds(r.totalMs)} (${((s.domains * 1000) / r.totalMs).toFixed(1)} domains/s)`,
    `CloudFront calls: ${r.cloudFrontCallsPerDomain.toFixed(2)} per domain (${ops})`,
    `DynamoDB requests (the tools'): ${r.dynamodbRequests} (${r.dynamodbRequestsPerDomain.toFixed(1)} per domain)`,
    `distribution tenants: ${c.cloudFront.tenants}; missing ${list(c.cloudFront.missing)}, duplicated ${list(c.cloudFront.duplicated)}, extra ${list(c.cloudFront.extra)}, not served ${list(c.cloudFront.notServed)}`,
    `onboarding records: ${states}; not active ${list(c.onboarding.notActive)}`,
    `tenants check: exit ${c.tableCheck.exitCode}, violations ${list(c.tableCheck.violations)}`,
    `through the edge: ${c.routing.checked} hosts requested, misrouted ${list(c.routing.misrouted)}`,
    checksPassed(c) && r.killed.exit.signal === 'SIGKILL' ? 'result: PASS' : 'result: FAIL',
    '',
  ].join('\n');
}
