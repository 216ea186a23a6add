import type { CloudFrontRequestEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../edge/logger.ts';
import type { Region } from '../../edge/model.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import type { RouteResult } from '../../edge/resolve-route.ts';
import { combineRouterHooks } from '../../edge/router-hooks.ts';
import { createRouterMetrics, ROUTER_METRIC_NAMES } from '../../edge/router-metrics.ts';
import { emfViolations } from '../../scripts/lib/emf-spec-check.ts';
import { anOriginRequestEvent } from '../../scripts/lib/origin-request-event.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { createInMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import { aTenantRecord, region, someRegions, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';

const EVENT = {} as CloudFrontRequestEvent;
const forwardHome: RouteResult = {
  decision: {
    kind: 'forward',
    tenantId: tenantId('acme'),
    region: region('eu-west-1'),
    origin: { type: 'custom', domainName: 'pool.origin.example.com', protocol: 'https', port: 443, path: '' },
    viewerHost: 'acme.app.example.com',
    path: '/',
    via: 'home',
  },
  outcomes: ['hit', 'hit'],
};
const lookupFailed: RouteResult = {
  decision: { kind: 'respond', status: 503, reason: 'lookup-failed', retryAfter: 30 },
  outcomes: ['miss'],
};
const suspended: RouteResult = {
  decision: { kind: 'respond', status: 403, reason: 'suspended' },
  outcomes: ['hit'],
};

/** Metrics with a hand-driven flush timer and clock. */
function metricsUnderTest() {
  const logger = capturingLogger();
  let fire: (() => void) | undefined;
  const metrics = createRouterMetrics({
    config: aRouterConfig().metrics,
    logger,
    edgeRegion: 'eu-central-1',
    clock: () => 1_767_225_600_000,
    schedule: (_ms, due) => {
      fire = due;
    },
  });
  return { metrics, logger, intervalPassed: () => fire?.() };
}

/** Every written document, by its dimension ('' for none). */
function documents(entries: readonly LogEntry[]) {
  return entries.map((entry) => {
    const directive = (entry._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] })
      .CloudWatchMetrics[0];
    const key = directive?.Dimensions[0]?.[0] ?? '';
    return { dimension: key === '' ? '' : `${key}=${String(entry[key])}`, entry };
  });
}

describe('createRouterMetrics', () => {
  it('writes nothing per request, only at the end of the first request after the interval', () => {
    const { metrics, logger, intervalPassed } = metricsUnderTest();
    for (let i = 0; i < 50; i++) metrics.onRouted(EVENT, forwardHome, 0);
    expect(logger.entries).toEqual([]);

    intervalPassed();
    expect(logger.entries).toEqual([]); // the timer only marks the interval as passed
    metrics.onRouted(EVENT, forwardHome, 0);

    const [main] = documents(logger.entries);
    expect(main?.entry).toMatchObject({
      level: 'info',
      msg: 'metrics',
      edgeRegion: 'eu-central-1',
      Requests: 51,
    });
  });

  it('counts outcomes, cache results, failovers and lookup latency, in valid EMF lines', () => {
    const { metrics, logger, intervalPassed } = metricsUnderTest();
    metrics.onRouted(EVENT, forwardHome, 0);
    metrics.onRouted(EVENT, suspended, 0);
    metrics.onAttempt({
      region: 'us-east-1' as Region,
      kind: 'first',
      ok: false,
      ms: 250,
      error: 'TimeoutError',
      slow: false,
      change: { change: 'demoted', reason: 'failed', untilMs: 5_000 },
    });
    metrics.onAttempt({ region: 'eu-west-1' as Region, kind: 'failover', ok: true, ms: 80, slow: false });
    metrics.onRouted(EVENT, { ...forwardHome, outcomes: ['miss', 'hit'] }, 331.5);
    intervalPassed();
    metrics.onRouted(EVENT, lookupFailed, 1000.2);

    for (const entry of logger.entries) expect(emfViolations(JSON.stringify(entry))).toEqual([]);
    const byDimension = Object.fromEntries(documents(logger.entries).map((d) => [d.dimension, d.entry]));
    expect(byDimension['']).toMatchObject({
      Requests: 4,
      Forwarded: 2,
      Generated4xx: 1,
      Generated5xx: 1,
      LookupFailures: 1,
      MalformedItems: 0,
      CacheHits: 4,
      CacheMisses: 2,
      CacheStale: 0,
      CacheNegative: 0,
      ReplicaFailovers: 1,
      ReplicaErrors: 1,
      HedgedReads: 0,
      ReplicaDemotions: 1,
      // Bucket values: each within 5 % of what was recorded.
      LookupLatency: [expect.closeTo(331.5, -2), expect.closeTo(1000, -2)],
      _aws: { Timestamp: 1_767_225_600_000 },
    });
    expect(Object.keys(byDimension).sort()).toEqual([
      '',
      'Outcome=403:suspended',
      'Outcome=503:lookup-failed',
      'Outcome=forward:home',
      'Replica=eu-west-1',
      'Replica=us-east-1',
    ]);
    expect(byDimension['Outcome=forward:home']).toMatchObject({ Responses: 2 });
    expect(byDimension['Replica=us-east-1']).toMatchObject({
      ReplicaReads: 1,
      ReplicaErrors: 1,
      ReplicaDemotions: 1,
    });
    expect(byDimension['Replica=eu-west-1']).toMatchObject({ ReplicaDemotions: 0 });
  });

  it('starts each interval from zero and writes every counter, zeros included', () => {
    const { metrics, logger, intervalPassed } = metricsUnderTest();
    metrics.onRouted(EVENT, suspended, 0);
    metrics.flush();
    logger.entries.length = 0;
    metrics.onRouted(EVENT, forwardHome, 0);
    intervalPassed();
    metrics.onRouted(EVENT, forwardHome, 0);

    const names = documents(logger.entries).map((d) => d.dimension);
    expect(names).toEqual(['', 'Outcome=forward:home']);
    const main = logger.entries[0] as LogEntry;
    for (const name of ROUTER_METRIC_NAMES) expect(typeof main[name]).toBe('number');
    expect(main).toMatchObject({ Requests: 2, Generated4xx: 0 });
    expect(main.LookupLatency).toBeUndefined();
  });

  it('splits a long interval of lookups over documents of at most 100 values', () => {
    const { metrics, logger, intervalPassed } = metricsUnderTest();
    for (let i = 0; i < 250; i++) metrics.onRouted(EVENT, forwardHome, 1 + i);
    intervalPassed();
    metrics.onRouted(EVENT, forwardHome, 0);

    const latency = logger.entries.flatMap((e) =>
      Array.isArray(e.LookupLatency) ? [e.LookupLatency.length] : [],
    );
    expect(latency).toEqual([100, 100, 50]);
    for (const entry of logger.entries) expect(emfViolations(JSON.stringify(entry))).toEqual([]);
  });

  it('a manual flush writes nothing when nothing was counted, and restarts the interval', () => {
    const { metrics, logger } = metricsUnderTest();
    metrics.flush();
    expect(logger.entries).toEqual([]);
  });
});

describe('combineRouterHooks', () => {
  it('calls every set of hooks in turn and leaves absent hooks absent', () => {
    const calls: string[] = [];
    const hooks = combineRouterHooks({ onRouted: () => calls.push('a') }, undefined, {
      onRouted: () => calls.push('b'),
      onAttempt: () => calls.push('b-attempt'),
    });
    hooks.onRouted?.(EVENT, forwardHome, 0);
    hooks.onAttempt?.({ region: 'us-east-1' as Region, kind: 'first', ok: true, ms: 1, slow: false });
    expect(calls).toEqual(['a', 'b', 'b-attempt']);
    expect(combineRouterHooks(undefined, {})).toEqual({});
  });
});

describe('the handler with metrics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const store = createInMemoryTenantStore({
    regions: someRegions({ 'eu-west-1': {} }),
    tenants: [aTenantRecord({ tenantId: tenantId('acme'), region: region('eu-west-1') })],
  });
  const event = () => anOriginRequestEvent({ hosts: ['acme.app.example.com'] });
  const handlerWith = (metrics: Record<string, unknown>) => {
    const logger = capturingLogger();
    const config = aRouterConfig({ decisionLogSampleRate: 0, metrics });
    const handle = createOriginRequestHandler({
      config,
      tenantStore: store,
      logger,
      edgeRegion: 'eu-west-1',
    });
    return { handle, logger };
  };

  it('flushes at the end of the first invocation after the configured interval', async () => {
    vi.useFakeTimers();
    const { handle, logger } = handlerWith({ flushIntervalMs: 1000 });

    await handle(event());
    await handle(event());
    expect(logger.entries).toEqual([]);
    vi.advanceTimersByTime(1000);
    await handle(event());

    expect(logger.entries[0]).toMatchObject({ msg: 'metrics', Requests: 3, CacheMisses: 2, CacheHits: 4 });
    expect(handle.metrics).toBeDefined();
  });

  it('has no metrics when they are switched off', async () => {
    const { handle } = handlerWith({ enabled: false });
    await handle(event());
    expect(handle.metrics).toBeUndefined();
  });
});
