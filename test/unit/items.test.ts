import { describe, expect, it } from 'vitest';
import { MalformedItemError } from '../../edge/errors.ts';
import {
  checkedRegionsItem,
  domainToItem,
  type Item,
  parseDomainItem,
  parseRegionsItem,
  parseTenantItem,
  regionsToItem,
  tenantToItem,
} from '../../edge/items.ts';
import type { DomainRecord, Region, RegionsRecord, TenantId, TenantRecord } from '../../edge/model.ts';
import { someRegions } from '../support/records.ts';

const tenant: TenantRecord = {
  tenantId: 'acme' as TenantId,
  region: 'eu-west-1' as Region,
  status: 'maintenance',
  origin: {
    type: 'custom',
    domainName: 'acme.origin.example.com',
    protocol: 'http',
    port: 8080,
    path: '/v1',
  },
  failoverRegion: 'us-east-1' as Region,
  version: 7,
  updatedAt: '2026-11-30T10:00:00.000Z',
  domains: ['shop.acme.com', '*.acme.example.net'],
  migration: {
    id: 'm-1',
    from: 'eu-west-1' as Region,
    to: 'us-east-1' as Region,
    phase: 'frozen',
    startedAt: '2026-11-30T09:59:00.000Z',
    priorStatus: 'active',
  },
};

describe('item layout', () => {
  it('round-trips a tenant with every optional attribute', () => {
    expect(parseTenantItem(tenantToItem(tenant))).toEqual(tenant);
  });

  it('round-trips a minimal tenant and an S3 dedicated origin', () => {
    const minimal: TenantRecord = {
      tenantId: 'globex' as TenantId,
      region: 'us-east-1' as Region,
      status: 'active',
      version: 1,
      updatedAt: 't',
      origin: {
        type: 's3',
        domainName: 'bkt.s3.us-east-1.amazonaws.com',
        path: '',
        region: 'us-east-1' as Region,
      },
    };
    expect(parseTenantItem(tenantToItem(minimal))).toEqual(minimal);
  });

  it('round-trips a domain with a path split', () => {
    const domain: DomainRecord = {
      host: 'shared.example.com',
      tenantId: 'acme' as TenantId,
      paths: new Map([['/blog', 'globex' as TenantId]]),
    };
    expect(parseDomainItem(domainToItem(domain, 't'))).toEqual(domain);
  });

  it('round-trips the regions item', () => {
    const regions: RegionsRecord = {
      version: 3,
      regions: new Map([
        [
          'us-east-1' as Region,
          {
            origin: {
              type: 'custom',
              domainName: 'pool.us-east-1.origin.example.com',
              protocol: 'https',
              port: 443,
              path: '',
            },
            status: 'draining',
            failover: 'eu-west-1' as Region,
            healthUrl: 'https://pool.us-east-1.origin.example.com/health',
          },
        ],
      ]),
    };
    expect(parseRegionsItem(regionsToItem(regions, 't'))).toEqual(regions);
  });

  const good = tenantToItem(tenant);
  const without = (name: string): Item =>
    Object.fromEntries(Object.entries(good).filter(([k]) => k !== name));

  it.each([
    ['a missing status', without('status'), 'status must be a string'],
    ['an unknown status', { ...good, status: { S: 'deleted' } }, 'status "deleted"'],
    ['a numeric region', { ...good, region: { N: '1' } }, 'region must be a string'],
    ['a bad region name', { ...good, region: { S: 'moon-1' } }, 'region is not a region name'],
    ['a non-integer version', { ...good, version: { N: '1.5' } }, 'version must be an integer'],
    ['a tenant id that does not match pk', { ...good, tenantId: { S: 'globex' } }, 'does not match pk'],
    [
      'an origin with a bad port',
      { ...good, origin: { M: { domainName: { S: 'a.b.com' }, port: { N: '22' } } } },
      'port',
    ],
    ['an origin that is not a map', { ...good, origin: { S: 'evil.example' } }, 'origin must be a map'],
    ['a huge updatedAt', { ...good, updatedAt: { S: 'x'.repeat(100_000) } }, 'updatedAt is longer than 64'],
    [
      'an unknown migration phase',
      { ...good, migration: { M: { phase: { S: 'limbo' } } } },
      'migration.phase',
    ],
  ])('rejects a tenant item with %s', (_, item, message) => {
    expect(() => parseTenantItem(item)).toThrowError(MalformedItemError);
    expect(() => parseTenantItem(item)).toThrowError(message);
  });

  it.each([
    ['no tenantId', { pk: { S: 'DOMAIN#a.example.com' } }, 'tenantId must be a string'],
    [
      'a path key without a slash',
      { pk: { S: 'DOMAIN#a.b' }, tenantId: { S: 'a' }, paths: { M: { x: { S: 'b' } } } },
      'must be a normalised path',
    ],
    ...['/a/../b', '/%61pi', '/a//b', '/api;v=1', '/a%2fb', '/a\\b'].map((key): [string, object, string] => [
      `a path key ${key} that is not in normal form`,
      { pk: { S: 'DOMAIN#a.b' }, tenantId: { S: 'a' }, paths: { M: { [key]: { S: 'b' } } } },
      'must be a normalised path',
    ]),
    [
      'the same prefix twice, with and without a trailing slash',
      {
        pk: { S: 'DOMAIN#a.b' },
        tenantId: { S: 'a' },
        paths: { M: { '/x': { S: 'b' }, '/x/': { S: 'c' } } },
      },
      'twice',
    ],
    [
      'a bad path tenant',
      { pk: { S: 'DOMAIN#a.b' }, tenantId: { S: 'a' }, paths: { M: { '/x': { N: '1' } } } },
      'not a valid tenant id',
    ],
  ])('rejects a domain item with %s', (_, item, message) => {
    expect(() => parseDomainItem(item as Item)).toThrowError(message);
  });

  it('rejects a regions item whose pool origin is an S3 bucket', () => {
    const item: Item = {
      pk: { S: 'REGIONS' },
      version: { N: '1' },
      regions: {
        M: {
          'us-east-1': {
            M: {
              status: { S: 'active' },
              origin: {
                M: {
                  type: { S: 's3' },
                  domainName: { S: 'bkt.s3.us-east-1.amazonaws.com' },
                  region: { S: 'us-east-1' },
                },
              },
            },
          },
        },
      },
    };
    expect(parseRegionsItem(item).malformed).toEqual(
      new Map([['us-east-1', 'regions.us-east-1.origin must be a custom origin']]),
    );
  });

  it('isolates each malformed REGIONS entry and keeps the others', () => {
    const good = {
      M: { status: { S: 'active' }, origin: { M: { domainName: { S: 'pool.eu.origin.example.com' } } } },
    };
    const item: Item = {
      pk: { S: 'REGIONS' },
      version: { N: '7' },
      regions: {
        M: {
          'eu-west-1': good,
          'us-east-1': { M: { ...good.M, healthUrl: { S: `https://h.example.com/${'x'.repeat(2100)}` } } },
          'not a region': good,
        },
      },
    };
    const parsed = parseRegionsItem(item);
    expect([...parsed.regions.keys()]).toEqual(['eu-west-1']);
    expect([...(parsed.malformed?.keys() ?? [])]).toEqual(['us-east-1', 'not a region']);
    expect(parsed.malformed?.get('us-east-1')).toBe('healthUrl is longer than 2048');
    expect(parsed.version).toBe(7);
  });

  it('refuses to encode a regions record the router would isolate (writers are strict)', () => {
    const regions = someRegions({ 'eu-west-1': { healthUrl: `https://h.example.com/${'x'.repeat(2100)}` } });
    expect(() => checkedRegionsItem(regions, '2026-01-01T00:00:00.000Z')).toThrowError(
      'healthUrl is longer than 2048 (entry eu-west-1)',
    );
  });
});
