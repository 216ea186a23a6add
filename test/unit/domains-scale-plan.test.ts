/**
 * The scale run's plan: many tenants, each with its own registrable domain, round robin so
 * concurrent onboardings touch different tenant items; files the tools read back.
 */
import { describe, expect, it } from 'vitest';
import {
  domainsImportText,
  scalePlan,
  scaleTenantId,
  tenantsImportText,
} from '../../scripts/domains-scale/scale-plan.ts';
import { parseImportFile } from '../../scripts/lib/domains/import-command.ts';

describe('scalePlan', () => {
  const plan = scalePlan(5000, 500, ['us-east-1', 'eu-west-1', 'ap-southeast-2']);

  it('spreads the domains evenly over the tenants, and the tenants over the regions', () => {
    const perTenant = new Map<string, number>();
    for (const d of plan.domains) perTenant.set(d.tenantId, (perTenant.get(d.tenantId) ?? 0) + 1);
    expect(perTenant.size).toBe(500);
    expect(new Set(perTenant.values())).toEqual(new Set([10]));
    expect(plan.tenants.filter((t) => t.region === 'eu-west-1')).toHaveLength(167);
  });

  it('puts consecutive domains (those in flight together) on different tenants', () => {
    const firstBatch = plan.domains.slice(0, 256).map((d) => d.tenantId);
    expect(new Set(firstBatch).size).toBe(256);
  });

  it('gives every host a name under its own tenant’s domain, each once', () => {
    expect(new Set(plan.domains.map((d) => d.host)).size).toBe(5000);
    expect(plan.domains[42]).toEqual({ host: 'd42.sc-00043.example', tenantId: scaleTenantId(42) });
  });

  it('never has more tenants than domains', () => {
    expect(scalePlan(3, 10, ['us-east-1']).tenants).toHaveLength(3);
  });

  it('writes an import file the domains tool reads back line for line', () => {
    const lines = parseImportFile(domainsImportText(plan), (raw) => raw);
    expect(lines).toEqual(plan.domains);
  });

  it('writes one tenants import line per tenant', () => {
    const lines = tenantsImportText(plan).trim().split('\n');
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines[0] as string)).toEqual({ tenantId: 'sc-00001', region: 'us-east-1' });
  });
});
