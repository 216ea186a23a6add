/**
 * The generated tenants of the load test, the benchmarks, the chaos scenario and the local edge's
 * child runs: ids `lt-000001` ..., spread over the regions of the REGIONS item, and the REGIONS
 * record a table without one gets. Their hosts are in generated-hosts.ts, their seeding in
 * seed-generated-tenants.ts.
 */
import type { RouterConfig } from '../../edge/config.ts';
import type { Region, RegionRecord, TenantId } from '../../edge/model.ts';
import { poolOriginSuffix } from './local-defaults.ts';

/** Prefix of generated tenant ids, so they never collide with hand-made ones. */
export const LOAD_TEST_TENANT_PREFIX = 'lt-';

/** Id of generated tenant `index` (0-based): `lt-000001` for index 0. */
export function loadTestTenantId(index: number): TenantId {
  return `${LOAD_TEST_TENANT_PREFIX}${String(index + 1).padStart(6, '0')}` as TenantId;
}

/** Index of a generated tenant id (`lt-000001` is 0); undefined for any other id. */
export function loadTestTenantIndex(tenantId: string): number | undefined {
  const match = /^lt-(\d{6,})$/.exec(tenantId);
  return match === null ? undefined : Number(match[1]) - 1;
}

/**
 * The platform domain generated tenants live under (the first one): they are platform
 * subdomains, so a configuration without one cannot route them. Throws then.
 */
export function generatedTenantDomain(config: Pick<RouterConfig, 'platformDomains'>): string {
  const domain = config.platformDomains[0];
  if (domain === undefined)
    throw new Error('generated tenants are platform subdomains, and platformDomains is empty');
  return domain;
}

/** Host of generated tenant `index` under a platform domain. */
export function loadTestHost(index: number, platformDomain: string): string {
  return `${loadTestTenantId(index)}.${platformDomain}`;
}

/**
 * The REGIONS record written when a table has none: one shared pool origin per replica region,
 * `pool-<region>` under {@link poolOriginSuffix}, so the router accepts it. Throws for a
 * configuration with no parent-domain suffix.
 */
export function defaultRegionsRecord(
  config: Pick<RouterConfig, 'replicaRegions' | 'allowedOriginSuffixes'>,
): Map<Region, RegionRecord> {
  const suffix = poolOriginSuffix(config);
  return new Map(
    config.replicaRegions.map((region) => [
      region,
      {
        origin: {
          type: 'custom',
          domainName: `pool-${region}${suffix}`,
          protocol: 'https',
          port: 443,
          path: '',
        },
        status: 'active',
      } satisfies RegionRecord,
    ]),
  );
}
