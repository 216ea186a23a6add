/**
 * The end of a scale run: what must hold after an import was killed part-way and resumed. On the
 * CloudFront side exactly one distribution tenant per host, named after it, serving it, and none
 * for a host not in the plan; in the table every host's onboarding record `active` (none lost) and
 * `tenants check` clean; through the local edge every host answered by its own tenant's origin.
 */

import { forEachConcurrently } from '../lib/bounded-concurrency.ts';
import { cdnTenantName } from '../lib/domains/domain-cdn.ts';
import { runDomainsCli } from '../lib/domains/domains-cli.ts';
import type { OnboardingRecord } from '../lib/domains/onboarding-record.ts';
import { runTenantsCli } from '../lib/tenants/tenants-cli.ts';
import type { LocalEdge } from '../local-edge/start-local-edge.ts';
import { viewerRequest } from '../local-edge/viewer-client.ts';
import { runCaptured } from './captured-cli.ts';
import type { ScalePlan } from './scale-plan.ts';

/** What the checks found; every list empty means the run held. */
export interface ScaleChecks {
  readonly cloudFront: {
    /** Distribution tenants made by the run (set-up tenants left out). */
    readonly tenants: number;
    readonly missing: readonly string[];
    readonly duplicated: readonly string[];
    /** Tenants for a host the plan does not have. */
    readonly extra: readonly string[];
    /** Hosts whose tenant does not serve them (disabled, certificate not issued). */
    readonly notServed: readonly string[];
  };
  readonly onboarding: {
    readonly byState: Readonly<Record<string, number>>;
    readonly notActive: readonly string[];
  };
  readonly tableCheck: { readonly exitCode: number; readonly violations: readonly string[] };
  readonly routing: { readonly checked: number; readonly misrouted: readonly string[] };
}

/** Whether every check passed. */
export function checksPassed(c: ScaleChecks): boolean {
  return (
    c.cloudFront.missing.length === 0 &&
    c.cloudFront.duplicated.length === 0 &&
    c.cloudFront.extra.length === 0 &&
    c.cloudFront.notServed.length === 0 &&
    c.onboarding.notActive.length === 0 &&
    c.tableCheck.exitCode === 0 &&
    c.tableCheck.violations.length === 0 &&
    c.routing.misrouted.length === 0
  );
}

function cloudFrontCheck(
  edge: LocalEdge,
  plan: ScalePlan,
  setup: ReadonlySet<string>,
): ScaleChecks['cloudFront'] {
  const planned = new Set(plan.domains.map((d) => d.host));
  const holders = new Map<string, number>();
  const extra: string[] = [];
  let tenants = 0;
  for (const tenant of edge.cloudFront.model.tenants.values()) {
    if (setup.has(tenant.id)) continue;
    tenants++;
    for (const domain of tenant.domains) {
      if (!planned.has(domain) || tenant.name !== cdnTenantName(domain))
        extra.push(`${tenant.name} (${domain})`);
      holders.set(domain, (holders.get(domain) ?? 0) + 1);
    }
  }
  const hosts = [...planned];
  return {
    tenants,
    missing: hosts.filter((h) => !holders.has(h)),
    duplicated: hosts.filter((h) => (holders.get(h) ?? 0) > 1),
    extra,
    notServed: hosts.filter(
      (h) => holders.has(h) && edge.cloudFront.servingTenant(h)?.name !== cdnTenantName(h),
    ),
  };
}

async function onboardingCheck(plan: ScalePlan, env: NodeJS.ProcessEnv): Promise<ScaleChecks['onboarding']> {
  const listed = await runCaptured(runDomainsCli, ['list', '--json'], env);
  if (listed.code !== 0) throw new Error(`domains list exited ${listed.code}`);
  const records = JSON.parse(listed.stdout) as OnboardingRecord[];
  const byState: Record<string, number> = {};
  const active = new Set<string>();
  for (const r of records) {
    byState[r.state] = (byState[r.state] ?? 0) + 1;
    if (r.state === 'active') active.add(r.host);
  }
  return { byState, notActive: plan.domains.map((d) => d.host).filter((h) => !active.has(h)) };
}

async function tableCheck(env: NodeJS.ProcessEnv): Promise<ScaleChecks['tableCheck']> {
  const checked = await runCaptured(runTenantsCli, ['check', '--json'], env);
  const report = JSON.parse(checked.stdout || '{"violations":[]}') as {
    violations: { kind: string; pk: string }[];
  };
  return { exitCode: checked.code, violations: report.violations.map((v) => `${v.kind} ${v.pk}`) };
}

async function routingCheck(edge: LocalEdge, plan: ScalePlan): Promise<ScaleChecks['routing']> {
  const misrouted: string[] = [];
  await forEachConcurrently(plan.domains, 16, async ({ host, tenantId }) => {
    const res = await viewerRequest(edge.url, { host, path: '/scale-probe' });
    const got = (res.json as { xTenantId?: unknown } | undefined)?.xTenantId;
    if (res.status !== 200 || got !== tenantId) misrouted.push(`${host}: ${res.status} ${String(got ?? '')}`);
  });
  return { checked: plan.domains.length, misrouted };
}

/** Runs every check; `setup` holds the ids of the tenants the local edge made before the run. */
export async function checkScaleRun(
  edge: LocalEdge,
  plan: ScalePlan,
  env: NodeJS.ProcessEnv,
  setup: ReadonlySet<string>,
): Promise<ScaleChecks> {
  return {
    cloudFront: cloudFrontCheck(edge, plan, setup),
    onboarding: await onboardingCheck(plan, env),
    tableCheck: await tableCheck(env),
    routing: await routingCheck(edge, plan),
  };
}
