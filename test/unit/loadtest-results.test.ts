import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../scripts/loadtest/latency-histogram.ts';
import { LoadCollector } from '../../scripts/loadtest/load-collector.ts';
import { serverTimingDuration } from '../../scripts/loadtest/server-timing.ts';
import { parseStatusExpectation } from '../../scripts/loadtest/status-expectation.ts';
import { aLoadTestSettings } from '../support/load-results.ts';

const settings = aLoadTestSettings();

describe('LatencyHistogram', () => {
  it('reports percentiles in ms within HdrHistogram precision', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.min).toBeCloseTo(0.1, 3);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p90).toBeCloseTo(90, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 1);
  });

  it('keeps microseconds and counts sub-microsecond values as 1 µs', () => {
    const h = new LatencyHistogram();
    h.record(0.0002);
    h.record(0.0042);
    expect(h.summary().min).toBe(0.001);
    expect(h.summary().max).toBe(0.004);
  });

  it('never reports a percentile above the maximum', () => {
    const h = new LatencyHistogram();
    h.record(100.4);
    expect(h.at(99.99)).toBeLessThanOrEqual(h.summary().max);
    expect(h.distribution().at(-1)).toEqual({ percentile: 100, ms: h.summary().max });
  });

  it('summarises an empty histogram as zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      min: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
    expect(new LatencyHistogram().distribution()).toEqual([]);
  });
});

describe('LoadCollector', () => {
  it('counts statuses, regions, cache outcomes, router share and reads per 1,000 requests', () => {
    const c = new LoadCollector();
    c.record(4, 0, { status: 200, region: 'us-east-1', routerMs: 1, cacheOutcome: 'hit' });
    c.record(4, 100, { status: 200, region: 'us-east-1', routerMs: 1, cacheOutcome: 'hit' });
    c.record(8, 1_500, { status: 200, region: 'eu-west-1', routerMs: 3, cacheOutcome: 'miss' });
    c.record(4, 1_600, { status: 404, region: 'generated', routerMs: 0, cacheOutcome: 'negative' });
    const r = c.result({ settings, startedAt: 't', scheduled: 4, measuredWallMs: 2_000, dynamoReads: 2 });
    // The 404 is an answer, and an error: the default expectation is 2xx and 3xx.
    expect(r.requests).toEqual({ scheduled: 4, completed: 4, errors: 1, noResponse: 0 });
    expect(r.errorsByStatus).toEqual({ '404': 1 });
    expect(r.errorRate).toBe(0.25);
    expect(r.achievedRate).toBe(2);
    expect(r.statuses).toEqual({ '200': 3, '404': 1 });
    expect(r.regions).toEqual({ 'us-east-1': 2, 'eu-west-1': 1, generated: 1 });
    expect(r.cacheHitRatio).toBe(0.75);
    expect(r.byCacheOutcome?.miss?.count).toBe(1);
    expect(r.byCacheOutcome?.hit?.p50).toBeCloseTo(1, 3);
    expect(r.routerShare).toBeCloseTo(5 / 20, 6);
    expect(r.dynamoReads).toEqual({ total: 2, per1000Requests: 500 });
    expect(r.timeline.map((p) => p.statuses)).toEqual([{ '200': 2 }, { '200': 1, '404': 1 }]);
    expect(r.timeline.map((p) => p.byCache)).toEqual([
      { hit: { count: 2, p50: 4, p99: 4 } },
      { miss: { count: 1, p50: 8, p99: 8 }, negative: { count: 1, p50: 4, p99: 4 } },
    ]);
    expect(r.timeline.map((p) => [p.second, p.count])).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it('keeps errors out of the latency figures and in the timeline', () => {
    const c = new LoadCollector();
    c.record(5, 0, { status: 200 });
    c.record(30_000, 0, { error: 'timeout' });
    const r = c.result({ settings, startedAt: 't', scheduled: 2, measuredWallMs: 1_000 });
    expect(r.latency.count).toBe(1);
    expect(r.latency.max).toBeCloseTo(5, 2);
    expect(r.errorKinds).toEqual({ timeout: 1 });
    expect(r.errorsByStatus).toEqual({ timeout: 1 });
    expect(r.requests).toEqual({ scheduled: 2, completed: 1, errors: 1, noResponse: 1 });
    expect(r.timeline[0]?.errors).toBe(1);
    expect(r.timeline[0]?.statuses).toEqual({ '200': 1, timeout: 1 });
    expect(r.routerLatency).toBeUndefined();
    expect(r.cacheHitRatio).toBeUndefined();
    expect(r.dynamoReads).toBeUndefined();
  });

  it('counts answers the run does not expect as errors, by status', () => {
    const expectation = parseStatusExpectation('2xx,404');
    if (!expectation.ok) throw new Error(expectation.problem);
    const c = new LoadCollector(expectation.expectation);
    for (const status of [200, 204, 404, 301, 503, 503]) c.record(1, 0, { status });
    const r = c.result({ settings, startedAt: 't', scheduled: 6, measuredWallMs: 1_000 });
    expect(r.requests).toEqual({ scheduled: 6, completed: 6, errors: 3, noResponse: 0 });
    expect(r.errorsByStatus).toEqual({ '301': 1, '503': 2 });
    expect(r.errorRate).toBe(0.5);
  });

  it('counts answers by the second they completed in, for the throughput', () => {
    const c = new LoadCollector();
    c.record(1_500, 0, { status: 200 });
    c.record(10, 100, { status: 200 });
    c.record(10, 1_100, { status: 200 });
    const r = c.result({ settings, startedAt: 't', scheduled: 3, measuredWallMs: 2_000 });
    expect(r.timeline.map((p) => [p.second, p.count, p.completed])).toEqual([
      [0, 2, 1],
      [1, 1, 2],
    ]);
  });
});

describe('serverTimingDuration', () => {
  it.each([
    ['router;dur=0.42', 0.42],
    ['cache;desc=hit, router;dur=1.5', 1.5],
    ['Router; desc="x"; dur="2"', 2],
    ['router;desc=x', undefined],
    ['other;dur=3', undefined],
    ['router;dur=abc', undefined],
    ['router;dur=-1', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, expected) => {
    expect(serverTimingDuration(header, 'router')).toBe(expected);
  });

  it('searches every header value', () => {
    expect(serverTimingDuration(['db;dur=1', 'router;dur=0.25'], 'router')).toBe(0.25);
  });
});
