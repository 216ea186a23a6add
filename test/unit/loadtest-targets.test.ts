import { describe, expect, it } from 'vitest';
import { LookupFailedError } from '../../edge/errors.ts';
import { silentLogger } from '../../edge/logger.ts';
import type { TenantId } from '../../edge/model.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import type { CachedTenantStore } from '../../edge/tenant-store.ts';
import { loadTestTenantId } from '../../scripts/lib/generated-tenants.ts';
import { anOriginRequestEvent, GENERATED_TRAFFIC_EVENT } from '../../scripts/lib/origin-request-event.ts';
import { generatedHosts } from '../../scripts/loadtest/host-list.ts';
import { describeResponse } from '../../scripts/loadtest/http-target.ts';
import { describeResult } from '../../scripts/loadtest/in-process-target.ts';
import { createRequestOutcomeRecorder, requestOutcome } from '../../scripts/loadtest/request-outcome.ts';
import { aCustomOrigin, aTenantRecord, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

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
    const request = anOriginRequestEvent({
      ...GENERATED_TRAFFIC_EVENT,
      hosts: ['a.app.example.com'],
      requestId: 'r',
    }).Records[0]?.cf.request;
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

describe('createRequestOutcomeRecorder', () => {
  const config = aRouterConfig();
  const tenant = aTenantRecord({ tenantId: tenantId('slow'), origin: aCustomOrigin() });
  const fakeStore = (): CachedTenantStore => ({
    // A miss takes a few turns of the event loop, a hit one microtask: a hit overtakes a miss.
    getTenant: async (id) => {
      if (id === tenant.tenantId) {
        await new Promise((r) => setTimeout(r, 5));
        return { value: tenant, outcome: 'miss' };
      }
      if (id === ('broken' as TenantId)) throw new LookupFailedError('no replica answered');
      return { value: { ...tenant, tenantId: id }, outcome: 'hit' };
    },
    getDomain: async () => ({ value: undefined, outcome: 'negative' }),
    getRegions: async () => ({ value: undefined, outcome: 'hit' }),
    // Nothing answers synchronously: every lookup takes the async path this test is about.
    now: () => 0,
    peekDomain: () => undefined,
    peekTenant: () => undefined,
    peekRegions: () => undefined,
    knownDomain: () => undefined,
    keepAbsence() {},
    forgetAbsence() {},
    size: 0,
    sizes: { tenants: 0, domains: 0, absences: 0, regions: 0 },
    clear() {},
  });
  const handlerWith = (recorder: ReturnType<typeof createRequestOutcomeRecorder>) =>
    createOriginRequestHandler({
      config,
      store: fakeStore(),
      logger: silentLogger,
      edgeRegion: 'us-east-1',
      hooks: recorder.hooks,
    });
  const platformHost = (id: string) => `${id}.${config.platformDomains[0]}`;

  it('gives each of two concurrent requests its own outcome', async () => {
    const recorder = createRequestOutcomeRecorder();
    const handle = handlerWith(recorder);
    const slow = anOriginRequestEvent({
      ...GENERATED_TRAFFIC_EVENT,
      hosts: [platformHost('slow')],
      requestId: 'a',
    });
    const fast = anOriginRequestEvent({
      ...GENERATED_TRAFFIC_EVENT,
      hosts: [platformHost('fast')],
      requestId: 'b',
    });
    await Promise.all([handle(slow), handle(fast)]);
    expect(recorder.outcomeOf(slow)).toBe('miss');
    expect(recorder.outcomeOf(fast)).toBe('hit');
  });

  it('counts a failed lookup as a miss', async () => {
    const recorder = createRequestOutcomeRecorder();
    const event = anOriginRequestEvent({
      ...GENERATED_TRAFFIC_EVENT,
      hosts: [platformHost('broken')],
      requestId: 'c',
    });
    const result = await handlerWith(recorder)(event);
    expect(result).toMatchObject({ status: '503' });
    expect(recorder.outcomeOf(event)).toBe('miss');
  });
});
