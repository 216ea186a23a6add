import { describe, expect, it } from 'vitest';
import { chooseOrigin } from '../../edge/choose-origin.ts';
import { resolveRouterConfig } from '../../edge/config.ts';
import type {
  CustomOrigin,
  Region,
  RegionRecord,
  RegionsRecord,
  TenantId,
  TenantRecord,
} from '../../edge/model.ts';

const config = resolveRouterConfig({
  tableName: 'tenant-routes',
  replicaRegions: ['us-east-1', 'eu-west-1'],
  platformDomains: ['app.example.com'],
  allowedOriginSuffixes: ['.origin.example.com', 'assets.s3.eu-west-1.amazonaws.com'],
  retryAfterSeconds: 17,
});

const pool = (region: string): CustomOrigin => ({
  type: 'custom',
  domainName: `pool.${region}.origin.example.com`,
  protocol: 'https',
  port: 443,
  path: '',
});

function regions(entries: Record<string, Partial<RegionRecord>>): RegionsRecord {
  return {
    version: 1,
    regions: new Map(
      Object.entries(entries).map(([r, e]) => [r as Region, { origin: pool(r), status: 'active', ...e }]),
    ),
  };
}

function tenant(overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme' as TenantId,
    region: 'eu-west-1' as Region,
    status: 'active',
    version: 1,
    updatedAt: '2026-11-30T00:00:00Z',
    ...overrides,
  };
}

const allRegions = regions({ 'us-east-1': {}, 'eu-west-1': { failover: 'us-east-1' as Region } });

describe('chooseOrigin', () => {
  it('forwards an active tenant to its home region pool', () => {
    expect(chooseOrigin(tenant(), allRegions, 'shop.acme.com', config)).toEqual({
      decision: {
        kind: 'forward',
        tenantId: 'acme',
        region: 'eu-west-1',
        origin: pool('eu-west-1'),
        viewerHost: 'shop.acme.com',
        via: 'home',
      },
    });
  });

  it('answers 403 for a suspended tenant', () => {
    expect(chooseOrigin(tenant({ status: 'suspended' }), allRegions, 'h.example', config).decision).toEqual({
      kind: 'respond',
      status: 403,
      reason: 'suspended',
      tenantId: 'acme',
    });
  });

  it('answers 503 with Retry-After for a tenant in maintenance', () => {
    expect(chooseOrigin(tenant({ status: 'maintenance' }), allRegions, 'h.example', config).decision).toEqual(
      {
        kind: 'respond',
        status: 503,
        reason: 'maintenance',
        tenantId: 'acme',
        retryAfter: 17,
      },
    );
  });

  it('forwards to a dedicated origin, custom or S3, without needing regions', () => {
    const s3 = {
      type: 's3' as const,
      domainName: 'assets.s3.eu-west-1.amazonaws.com',
      path: '/acme',
      region: 'eu-west-1' as Region,
    };
    const choice = chooseOrigin(tenant({ origin: s3 }), undefined, 'h.example', config);
    expect(choice.decision).toMatchObject({ kind: 'forward', origin: s3, via: 'dedicated' });
  });

  it('sends tenants of a draining region to the region failover', () => {
    const draining = regions({
      'us-east-1': {},
      'eu-west-1': { status: 'draining', failover: 'us-east-1' as Region },
    });
    expect(chooseOrigin(tenant(), draining, 'h.example', config).decision).toMatchObject({
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
      'eu-west-1': { status: 'draining', failover: 'us-east-1' as Region },
    });
    const choice = chooseOrigin(
      tenant({ failoverRegion: 'ap-southeast-2' as Region }),
      draining,
      'h',
      config,
    );
    expect(choice.decision).toMatchObject({ region: 'ap-southeast-2', via: 'failover' });
  });

  it('keeps serving from a draining region when the failover is draining too', () => {
    const both = regions({
      'us-east-1': { status: 'draining' },
      'eu-west-1': { status: 'draining', failover: 'us-east-1' as Region },
    });
    expect(chooseOrigin(tenant(), both, 'h', config).decision).toMatchObject({
      region: 'eu-west-1',
      via: 'home',
    });
  });

  it('refuses an origin outside the allowed suffixes, with a problem to log', () => {
    const evil: CustomOrigin = { ...pool('x'), domainName: 'attacker.example.org' };
    const choice = chooseOrigin(tenant({ origin: evil }), allRegions, 'h', config);
    expect(choice.decision).toEqual({
      kind: 'respond',
      status: 502,
      reason: 'disallowed-origin',
      tenantId: 'acme',
    });
    expect(choice.problem).toContain('attacker.example.org');
  });

  it('refuses a look-alike suffix that is not on a label boundary', () => {
    const evil: CustomOrigin = { ...pool('x'), domainName: 'evilorigin.example.com' };
    expect(chooseOrigin(tenant({ origin: evil }), allRegions, 'h', config).decision).toMatchObject({
      status: 502,
    });
  });

  it('answers 502 when the home region is not in the REGIONS item', () => {
    const choice = chooseOrigin(tenant({ region: 'sa-east-1' as Region }), allRegions, 'h', config);
    expect(choice.decision).toMatchObject({ status: 502, reason: 'unknown-region' });
    expect(choice.problem).toContain('sa-east-1');
  });

  it('answers 503 when the REGIONS item is missing', () => {
    expect(chooseOrigin(tenant(), undefined, 'h', config).decision).toMatchObject({
      status: 503,
      reason: 'no-regions',
    });
  });
});
