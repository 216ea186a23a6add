import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/cli.ts';
import {
  domainItemHostOf,
  generatedHost,
  generatedHostList,
  generatedTenantOfDomain,
  hostKindOf,
  MIXED_HOST_KINDS,
  routeLookupsOf,
} from '../../scripts/lib/generated-hosts.ts';
import { loadTestTenantIndex } from '../../scripts/lib/generated-tenants.ts';
import { parseLoadTestArguments } from '../../scripts/loadtest/load-test-options.ts';
import { minimumReads, type TraceRequest } from '../../scripts/loadtest/minimum-reads.ts';

describe('generated hosts', () => {
  it.each([
    ['platform', 'lt-000003.app.example.com', undefined],
    ['custom', 'www.lt-000003.example.com', 'www.lt-000003.example.com'],
    ['wildcard', 'site.lt-000003.example.net', '*.lt-000003.example.net'],
  ] as const)('makes %s hosts, with the DOMAIN item that routes them', (kind, host, domainItemHost) => {
    const generated = generatedHost(2, kind, 'app.example.com');
    expect(generated).toEqual({
      host,
      kind,
      tenantId: 'lt-000003',
      ...(domainItemHost !== undefined && { domainItemHost }),
    });
    expect(domainItemHostOf(2, kind)).toBe(domainItemHost);
  });

  it('reads the tenant back from a DOMAIN item host and the index from a tenant id', () => {
    expect(generatedTenantOfDomain('www.lt-000003.example.com')).toBe('lt-000003');
    expect(generatedTenantOfDomain('*.lt-000003.example.net')).toBe('lt-000003');
    expect(generatedTenantOfDomain('site.lt-000003.example.net')).toBeUndefined();
    expect(generatedTenantOfDomain('www.acme.example.com')).toBeUndefined();
    expect(loadTestTenantIndex('lt-000003')).toBe(2);
    expect(loadTestTenantIndex('acme')).toBeUndefined();
  });

  it('mixes 5 custom, 3 platform and 2 wildcard hosts in every 10 ranks, most popular custom', () => {
    const counts = { platform: 0, custom: 0, wildcard: 0 };
    for (const kind of MIXED_HOST_KINDS) counts[kind]++;
    expect(counts).toEqual({ custom: 5, platform: 3, wildcard: 2 });
    expect(hostKindOf(0, 'mixed')).toBe('custom');
    expect(hostKindOf(13, 'mixed')).toBe(MIXED_HOST_KINDS[3]);
    const hosts = generatedHostList(20, 'mixed', 'app.example.com');
    expect(new Set(hosts.map((h) => h.host)).size).toBe(20);
  });

  it('lists the items a cold route reads: one, three or three before REGIONS', () => {
    const lookups = (kind: 'platform' | 'custom' | 'wildcard') =>
      routeLookupsOf(generatedHost(0, kind, 'app.example.com'));
    expect(lookups('platform')).toEqual([{ key: 'TENANT#lt-000001', present: true }]);
    expect(lookups('custom')).toEqual([
      { key: 'DOMAIN#www.lt-000001.example.com', present: true },
      // Read ahead with a host never seen, in the same request; never again once it is known.
      { key: 'DOMAIN#*.lt-000001.example.com', present: false, firstReadOnly: true },
      { key: 'TENANT#lt-000001', present: true },
    ]);
    expect(lookups('wildcard')).toEqual([
      { key: 'DOMAIN#site.lt-000001.example.net', present: false },
      { key: 'DOMAIN#*.lt-000001.example.net', present: true },
      { key: 'TENANT#lt-000001', present: true },
    ]);
  });

  it('is chosen with --hosts-kind (platform by default), not with a hosts file', () => {
    expect(parseLoadTestArguments([]).hostsKind).toBe('platform');
    expect(parseLoadTestArguments(['--hosts-kind', 'mixed']).hostsKind).toBe('mixed');
    expect(() => parseLoadTestArguments(['--hosts-kind', 'apex'])).toThrow(UsageError);
    expect(() =>
      parseLoadTestArguments(['--hosts-kind', 'custom', '--hosts', 'f.txt', '--target', 'http://x']),
    ).toThrow(/does not go with --hosts/);
  });
});

describe('minimumReads', () => {
  const platformDomain = 'app.example.com';
  const run = (
    kind: 'platform' | 'custom' | 'wildcard' | 'mixed',
    trace: TraceRequest[],
    measuredFromMs = 0,
  ) =>
    minimumReads({
      trace,
      lookupsOf: (i) => routeLookupsOf(generatedHost(i, kind, platformDomain)),
      kindOf: (i) => hostKindOf(i, kind),
      ttlMs: 30_000,
      negativeTtlMs: 5_000,
      measuredFromMs,
    });
  const at = (offsetMs: number, hostIndex: number, edgeRegion?: string): TraceRequest => ({
    offsetMs,
    hostIndex,
    ...(edgeRegion !== undefined && { edgeRegion }),
  });

  it('reads each key once per TTL: a custom domain costs two (three the first time), REGIONS is shared', () => {
    const m = run('custom', [at(0, 0), at(1_000, 0), at(2_000, 1), at(31_000, 0)]);
    // t=0: DOMAIN, its wildcard, TENANT, REGIONS; t=2 s: host 1's three; t=31 s: host 0's two and REGIONS again.
    expect(m).toMatchObject({ total: 10, regions: 2, byHostKind: { custom: 8 } });
  });

  it('counts a new container’s warm-up reads at its first request, or REGIONS as read before the run', () => {
    const trace = [at(0, 0), at(31_000, 1)];
    const base = {
      trace,
      lookupsOf: (i: number) => routeLookupsOf(generatedHost(i, 'platform', platformDomain)),
    };
    const common = {
      ...base,
      kindOf: () => 'platform' as const,
      ttlMs: 30_000,
      negativeTtlMs: 5_000,
      measuredFromMs: 0,
    };
    expect(minimumReads({ ...common, warmUpReads: 1 })).toMatchObject({ total: 5, regions: 3 });
    // In-process the handler read REGIONS as it was built: its first read in the run is at 30 s.
    expect(minimumReads({ ...common, regionsReadBeforeStart: true })).toMatchObject({ total: 3, regions: 1 });
  });

  it('rereads the absence of a wildcard-served host after the negative TTL, the wildcard after the TTL', () => {
    const m = run('wildcard', [at(0, 0), at(4_000, 0), at(6_000, 0)]);
    // t=0: exact (absent), wildcard, tenant, REGIONS; t=6 s: the exact absence expired (5 s).
    expect(m).toMatchObject({ total: 5, byHostKind: { wildcard: 4 } });
  });

  it('counts only the measured part, with the cache the warm-up filled', () => {
    const m = run('platform', [at(0, 0), at(1_500, 0), at(1_600, 1)], 1_000);
    expect(m).toMatchObject({ total: 1, regions: 0, byHostKind: { platform: 1 } });
  });

  it('gives every edge region its own cache', () => {
    const m = run('platform', [at(0, 0, 'eu-west-1'), at(1, 0, 'sa-east-1'), at(2, 0, 'eu-west-1')]);
    expect(m.byEdgeRegion).toEqual({ 'eu-west-1': 2, 'sa-east-1': 2 });
    expect(m.total).toBe(4);
  });

  it('says when the keys exceed the cache it assumed unbounded', () => {
    const m = minimumReads({
      trace: [at(0, 0), at(0, 1)],
      lookupsOf: (i) => routeLookupsOf(generatedHost(i, 'platform', platformDomain)),
      kindOf: () => 'platform',
      ttlMs: 1,
      negativeTtlMs: 1,
      measuredFromMs: 0,
      cacheTenants: 1,
    });
    expect(m.caveats).toEqual([expect.stringMatching(/^2 records of one kind exceed the cache's 1 tenants/)]);
  });
});
