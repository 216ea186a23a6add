import { describe, expect, it } from 'vitest';
import { isAllowedOriginDomain } from '../../edge/origin-rules.ts';
import {
  defaultRegionsRecord,
  generatedTenantDomain,
  loadTestHost,
  loadTestTenantId,
} from '../../scripts/lib/generated-tenants.ts';
import { aRouterConfig } from '../support/router-config.ts';

describe('generated tenants', () => {
  const config = aRouterConfig();

  it('are platform subdomains of the first platform domain', () => {
    expect(loadTestTenantId(41)).toBe('lt-000042');
    expect(loadTestHost(41, generatedTenantDomain(config))).toBe(`lt-000042.${config.platformDomains[0]}`);
  });

  it('need a platform domain to live under', () => {
    expect(() => generatedTenantDomain({ platformDomains: [] })).toThrow(/platformDomains is empty/);
  });

  it('get one pool origin per replica region, under a suffix the router allows', () => {
    const regions = defaultRegionsRecord(config);
    expect([...regions.keys()]).toEqual(config.replicaRegions);
    for (const [region, record] of regions) {
      expect(record).toMatchObject({
        status: 'active',
        origin: { type: 'custom', protocol: 'https', port: 443 },
      });
      expect(record.origin.domainName.startsWith(`pool-${region}.`)).toBe(true);
      expect(isAllowedOriginDomain(record.origin.domainName, config.allowedOriginSuffixes)).toBe(true);
    }
  });

  it('refuse a configuration without a parent-domain suffix instead of inventing one', () => {
    expect(() => defaultRegionsRecord({ ...config, allowedOriginSuffixes: ['origin.example.com'] })).toThrow(
      /no allowed origin suffix/,
    );
  });
});
