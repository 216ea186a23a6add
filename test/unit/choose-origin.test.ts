import { describe, expect, it } from 'vitest';
import { chooseOrigin } from '../../edge/choose-origin.ts';
import type { CustomOrigin, RegionRecord, TenantRecord } from '../../edge/model.ts';
import {
  aCustomOrigin,
  anS3Origin,
  aTenantRecord,
  poolOrigin as pool,
  region,
  someRegions,
} from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

const config = aRouterConfig({ retryAfterSeconds: 17 });
const tenant = (overrides: Partial<TenantRecord> = {}) =>
  aTenantRecord({ region: region('eu-west-1'), ...overrides });
const regions = (entries: Record<string, Partial<RegionRecord>>) => someRegions(entries);
const allRegions = regions({ 'us-east-1': {}, 'eu-west-1': { failover: region('us-east-1') } });

describe('chooseOrigin', () => {
  it('forwards an active tenant to its home region pool', () => {
    expect(chooseOrigin(tenant(), allRegions, 'shop.acme.com', '/', config)).toEqual({
      decision: {
        kind: 'forward',
        tenantId: 'acme',
        region: 'eu-west-1',
        origin: pool('eu-west-1'),
        viewerHost: 'shop.acme.com',
        path: '/',
        via: 'home',
      },
    });
  });

  it('answers 403 for a suspended tenant', () => {
    expect(
      chooseOrigin(tenant({ status: 'suspended' }), allRegions, 'h.example', '/', config).decision,
    ).toEqual({
      kind: 'respond',
      status: 403,
      reason: 'suspended',
      tenantId: 'acme',
    });
  });

  it('answers 503 with Retry-After for a tenant in maintenance', () => {
    expect(
      chooseOrigin(tenant({ status: 'maintenance' }), allRegions, 'h.example', '/', config).decision,
    ).toEqual({
      kind: 'respond',
      status: 503,
      reason: 'maintenance',
      tenantId: 'acme',
      retryAfter: 17,
    });
  });

  it('forwards to a dedicated origin, custom or S3, without needing regions', () => {
    const s3 = anS3Origin({ path: '/acme' });
    const choice = chooseOrigin(tenant({ origin: s3 }), undefined, 'h.example', '/', config);
    expect(choice.decision).toMatchObject({ kind: 'forward', origin: s3, via: 'dedicated' });
  });

  it('sends tenants of a draining region to the region failover', () => {
    const draining = regions({
      'us-east-1': {},
      'eu-west-1': { status: 'draining', failover: region('us-east-1') },
    });
    expect(chooseOrigin(tenant(), draining, 'h.example', '/', config).decision).toMatchObject({
      kind: 'forward',
      region: 'us-east-1',
      origin: pool('us-east-1'),
      via: 'failover',
    });
  });

  it("prefers the tenant's own failover region over the region's", () => {
    const draining = regions({
      'us-east-1': {},
      'ap-southeast-2': {},
      'eu-west-1': { status: 'draining', failover: region('us-east-1') },
    });
    const choice = chooseOrigin(
      tenant({ failoverRegion: region('ap-southeast-2') }),
      draining,
      'h',
      '/',
      config,
    );
    expect(choice.decision).toMatchObject({ region: 'ap-southeast-2', via: 'failover' });
  });

  it('keeps serving from a draining region when the failover is draining too', () => {
    const both = regions({
      'us-east-1': { status: 'draining' },
      'eu-west-1': { status: 'draining', failover: region('us-east-1') },
    });
    expect(chooseOrigin(tenant(), both, 'h', '/', config).decision).toMatchObject({
      region: 'eu-west-1',
      via: 'home',
    });
  });

  it('refuses an origin outside the allowed suffixes, with a problem to log', () => {
    const evil: CustomOrigin = aCustomOrigin({ domainName: 'attacker.example.org' });
    const choice = chooseOrigin(tenant({ origin: evil }), allRegions, 'h', '/', config);
    expect(choice.decision).toEqual({
      kind: 'respond',
      status: 502,
      reason: 'disallowed-origin',
      tenantId: 'acme',
    });
    expect(choice.problem).toContain('attacker.example.org');
  });

  it('refuses a look-alike suffix that is not on a label boundary', () => {
    const evil: CustomOrigin = aCustomOrigin({ domainName: 'evilorigin.example.com' });
    expect(chooseOrigin(tenant({ origin: evil }), allRegions, 'h', '/', config).decision).toMatchObject({
      status: 502,
    });
  });

  it('answers 502 when the home region is not in the REGIONS item', () => {
    const choice = chooseOrigin(tenant({ region: region('sa-east-1') }), allRegions, 'h', '/', config);
    expect(choice.decision).toMatchObject({ status: 502, reason: 'unknown-region' });
    expect(choice.problem).toContain('sa-east-1');
  });

  it('answers 503 when the REGIONS item is missing', () => {
    expect(chooseOrigin(tenant(), undefined, 'h', '/', config).decision).toMatchObject({
      status: 503,
      reason: 'no-regions',
    });
  });
});
