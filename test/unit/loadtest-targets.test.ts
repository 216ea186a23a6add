import { describe, expect, it } from 'vitest';
import type { TenantId } from '../../edge/model.ts';
import type { CachedTenantStore } from '../../edge/tenant-store.ts';
import { createCacheOutcomeRecorder, requestOutcome } from '../../scripts/loadtest/cache-outcome-recorder.ts';
import { generatedHosts } from '../../scripts/loadtest/host-list.ts';
import { describeResponse } from '../../scripts/loadtest/http-target.ts';
import { describeResult } from '../../scripts/loadtest/in-process-target.ts';
import { originRequestEvent } from '../../scripts/loadtest/origin-request-event.ts';
import { loadTestTenantId } from '../../scripts/loadtest/tenant-seeder.ts';

describe('requestOutcome', () => {
  it.each([
    [[], undefined],
    [['hit', 'hit'], 'hit'],
    [['negative', 'hit'], 'negative'],
    [['hit', 'stale'], 'stale'],
    [['hit', 'miss', 'stale'], 'miss'],
  ] as const)('ranks %j as %s', (outcomes, expected) => {
    expect(requestOutcome(outcomes)).toBe(expected);
  });
});

describe('describeResponse', () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };

  it('takes the region from an echo origin and the router time from Server-Timing', () => {
    expect(
      describeResponse(
        { statusCode: 200, headers: { ...json, 'server-timing': 'router;dur=0.8' } },
        JSON.stringify({ origin: 'pool.eu-west-1', region: 'eu-west-1' }),
      ),
    ).toEqual({ status: 200, region: 'eu-west-1', routerMs: 0.8 });
  });

  it('falls back to the origin name for an origin without a region', () => {
    expect(
      describeResponse({ statusCode: 200, headers: json }, '{"origin":"dedicated:hooli","region":null}'),
    ).toEqual({
      status: 200,
      region: 'dedicated:hooli',
    });
  });

  it('labels generated answers and unknown bodies', () => {
    expect(describeResponse({ statusCode: 404, headers: json }, '{"error":"unknown-host"}').region).toBe(
      'generated',
    );
    expect(
      describeResponse({ statusCode: 200, headers: { 'content-type': 'text/html' } }, '<p>').region,
    ).toBe('unknown');
    expect(describeResponse({ statusCode: 200, headers: json }, '{not json').region).toBe('unknown');
  });
});

describe('describeResult', () => {
  const regions = new Map([['pool-eu-west-1.origin.example.com', 'eu-west-1']]);

  it('maps a forwarded request to the region of its origin', () => {
    const request = originRequestEvent('a.app.example.com', '/', 'r').Records[0]?.cf.request;
    if (request?.origin?.custom === undefined) throw new Error('fixture');
    request.origin.custom.domainName = 'pool-eu-west-1.origin.example.com';
    expect(describeResult(request, regions)).toEqual({ status: 200, region: 'eu-west-1' });
  });

  it('reports a generated response by its status', () => {
    expect(describeResult({ status: '404', statusDescription: 'Not Found' }, regions)).toEqual({
      status: 404,
      region: 'generated',
    });
  });
});

describe('generated tenants', () => {
  it('are platform subdomains with stable, sortable ids', () => {
    expect(loadTestTenantId(0)).toBe('lt-000001');
    expect(generatedHosts(2, 'app.example.com')).toEqual([
      'lt-000001.app.example.com',
      'lt-000002.app.example.com',
    ]);
  });
});

describe('createCacheOutcomeRecorder', () => {
  const fakeStore = (): CachedTenantStore => ({
    // A miss takes a few turns of the event loop, a hit one microtask: a hit overtakes a miss.
    getTenant: async (id) => {
      if (id === ('slow' as TenantId)) {
        await new Promise((r) => setTimeout(r, 5));
        return { value: undefined, outcome: 'miss' };
      }
      if (id === ('broken' as TenantId)) throw new Error('lookup failed');
      return { value: undefined, outcome: 'hit' };
    },
    getDomain: async () => ({ value: undefined, outcome: 'negative' }),
    getRegions: async () => ({ value: undefined, outcome: 'hit' }),
    // Nothing answers synchronously: every lookup takes the async path this test is about.
    peekDomain: () => undefined,
    peekTenant: () => undefined,
    peekRegions: () => undefined,
    size: 0,
    clear() {},
  });

  it('gives each of two concurrent requests its own outcome', async () => {
    const recorder = createCacheOutcomeRecorder(fakeStore());
    const [slow, fast] = await Promise.all([
      recorder.run(async () => {
        await recorder.store.getRegions();
        return recorder.store.getTenant('slow' as TenantId);
      }),
      recorder.run(() => recorder.store.getTenant('fast' as TenantId)),
    ]);
    expect(slow.outcome).toBe('miss');
    expect(fast.outcome).toBe('hit');
  });

  it('counts a failed lookup as a miss', async () => {
    const recorder = createCacheOutcomeRecorder(fakeStore());
    const outcome = await recorder.run(async () => {
      await recorder.store.getTenant('broken' as TenantId).catch(() => undefined);
      return 'answered';
    });
    expect(outcome).toEqual({ value: 'answered', outcome: 'miss' });
  });
});
