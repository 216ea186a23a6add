/**
 * `npm run domains:scale` in small: the whole scenario (a local edge, tenants imported, the
 * domains import SIGKILLed part-way as a child process and rerun, then every check) over two dozen
 * domains, so the script the 5,000-domain figures come from is itself tested
 * (docs/custom-domains.md#numbers-5000-domains-locally).
 */
import { describe, expect, it } from 'vitest';
import { checksPassed } from '../../scripts/domains-scale/scale-checks.ts';
import { describeScaleRun } from '../../scripts/domains-scale/scale-report.ts';
import { runDomainsScale } from '../../scripts/domains-scale/scale-run.ts';

describe('domains:scale', () => {
  it('onboards 24 domains over 4 tenants through a kill and a resume: one tenant each, all active and routed', async () => {
    // A low rate keeps the first import busy long after the kill point (24 domains take about
    // 72 calls at 12 a second), so the kill comes part-way however loaded the machine is.
    const settings = { domains: 24, tenants: 4, rate: 12, concurrency: 8, killAt: 6, pollMs: 100 };
    const report = await runDomainsScale(settings, () => {});

    expect(report.killed.exit.signal).toBe('SIGKILL');
    expect(report.killed.distributionTenants).toBeGreaterThanOrEqual(6);
    expect(report.killed.distributionTenants).toBeLessThan(24);
    expect(report.resumed.exit.code).toBe(0);
    expect(report.resumed.summary).toMatchObject({ byState: { active: 24 } });

    expect(report.checks.cloudFront).toEqual({
      tenants: 24,
      missing: [],
      duplicated: [],
      extra: [],
      notServed: [],
    });
    expect(report.checks.onboarding).toEqual({ byState: { active: 24 }, notActive: [] });
    expect(report.checks.tableCheck).toEqual({ exitCode: 0, violations: [] });
    expect(report.checks.routing).toEqual({ checked: 24, misrouted: [] });
    expect(checksPassed(report.checks)).toBe(true);

    // Every host's tenant created once or, when the kill cut a create short, answered
    // EntityAlreadyExists on the rerun; the tools' DynamoDB requests were counted.
    expect(report.cloudFrontCalls.CreateDistributionTenant).toBeGreaterThanOrEqual(24);
    expect(report.dynamodbRequests).toBeGreaterThan(0);
    expect(describeScaleRun(report)).toMatch(/result: PASS/);
  }, 120_000);
});
