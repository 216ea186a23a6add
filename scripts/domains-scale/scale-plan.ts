/**
 * What a `domains:scale` run onboards: N customer domains spread over T router tenants (each
 * tenant a customer with a registrable domain of its own, `d<i>.sc-00042.example`), so claims land
 * on many tenant items as real customers' do (two tenants made every claim a version race on one
 * of two items), and the files the tools read. Pure.
 */

/** Prefix of the run's tenant ids (never a demo or load-test id). */
export const SCALE_TENANT_PREFIX = 'sc-';

/** One tenant of the run and its home region. */
export interface ScaleTenant {
  readonly tenantId: string;
  readonly region: string;
}

/** One customer domain and the tenant it is onboarded for. */
export interface ScaleDomain {
  readonly host: string;
  readonly tenantId: string;
}

/** The tenants and the domains of a run. */
export interface ScalePlan {
  readonly tenants: readonly ScaleTenant[];
  readonly domains: readonly ScaleDomain[];
}

/** Tenant `j` (0-based): `sc-00001`. */
export function scaleTenantId(j: number): string {
  return `${SCALE_TENANT_PREFIX}${String(j + 1).padStart(5, '0')}`;
}

/**
 * `domains` hosts over `tenants` tenants, round robin (host `i` belongs to tenant `i mod T`, so
 * concurrent onboardings touch different tenant items), the tenants over `regions` round robin.
 */
export function scalePlan(domains: number, tenants: number, regions: readonly string[]): ScalePlan {
  if (regions.length === 0) throw new RangeError('a scale plan needs at least one region');
  const count = Math.max(1, Math.min(tenants, domains));
  const planTenants = Array.from({ length: count }, (_, j) => ({
    tenantId: scaleTenantId(j),
    region: regions[j % regions.length] as string,
  }));
  const planDomains = Array.from({ length: domains }, (_, i) => {
    const tenantId = scaleTenantId(i % count);
    return { host: `d${i}.${tenantId}.example`, tenantId };
  });
  return { tenants: planTenants, domains: planDomains };
}

/** The `tenants import` file: one JSON line per tenant. */
export function tenantsImportText(plan: ScalePlan): string {
  return plan.tenants.map((t) => `${JSON.stringify({ tenantId: t.tenantId, region: t.region })}\n`).join('');
}

/** The `domains import` file: `host,tenant` lines. */
export function domainsImportText(plan: ScalePlan): string {
  return `host,tenant\n${plan.domains.map((d) => `${d.host},${d.tenantId}\n`).join('')}`;
}
