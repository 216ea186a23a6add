import { describe, expect, it } from 'vitest';
import { type EmfInput, emfDocument } from '../../edge/emf.ts';
import { createLatencyHistogram } from '../../edge/latency-histogram.ts';
import { emfViolations } from '../../scripts/lib/emf-spec-check.ts';

describe('emfDocument', () => {
  it('writes a document the specification accepts, targets on the root node', () => {
    const doc = emfDocument({
      namespace: 'EdgeTenantRouter',
      timestamp: 1_700_000_000_123.7,
      dimensions: { Outcome: '503:lookup-failed' },
      metrics: [
        { name: 'Responses', unit: 'Count', value: 3 },
        { name: 'LookupLatency', unit: 'Milliseconds', value: [1.5, 2, 250] },
      ],
    });
    expect(emfViolations(JSON.stringify(doc))).toEqual([]);
    expect(doc).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_123,
        CloudWatchMetrics: [
          {
            Namespace: 'EdgeTenantRouter',
            Dimensions: [['Outcome']],
            Metrics: [
              { Name: 'Responses', Unit: 'Count' },
              { Name: 'LookupLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Outcome: '503:lookup-failed',
      Responses: 3,
      LookupLatency: [1.5, 2, 250],
    });
  });

  it('allows an empty dimension set', () => {
    const doc = emfDocument({
      namespace: 'N',
      timestamp: 1,
      dimensions: {},
      metrics: [{ name: 'Requests', unit: 'Count', value: 0 }],
    });
    expect(doc._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[]]);
    expect(emfViolations(JSON.stringify(doc))).toEqual([]);
  });

  it.each([
    ['more than 100 values', { metrics: [{ name: 'L', unit: 'Milliseconds', value: Array(101).fill(1) }] }],
    ['no values', { metrics: [{ name: 'L', unit: 'Milliseconds', value: [] }] }],
    ['a non-finite value', { metrics: [{ name: 'L', unit: 'Count', value: Number.NaN }] }],
    [
      'more than 100 metrics',
      { metrics: Array.from({ length: 101 }, (_, i) => ({ name: `M${i}`, unit: 'Count', value: 1 })) },
    ],
    ['no metric', { metrics: [] }],
    [
      'a metric named like a dimension',
      { dimensions: { A: 'x' }, metrics: [{ name: 'A', unit: 'Count', value: 1 }] },
    ],
    ['a metric named _aws', { metrics: [{ name: '_aws', unit: 'Count', value: 1 }] }],
    ['an empty namespace', { namespace: '' }],
  ] satisfies [string, Partial<EmfInput>][])('refuses %s', (_, override) => {
    expect(() =>
      emfDocument({
        namespace: 'N',
        timestamp: 1,
        dimensions: {},
        metrics: [{ name: 'X', unit: 'Count', value: 1 }],
        ...override,
      }),
    ).toThrow(RangeError);
  });
});

describe('emfViolations (the checker the tests rely on)', () => {
  it.each([
    ['not JSON', 'hello'],
    ['no _aws', '{"a":1}'],
    [
      'a missing metric target',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"X"}]}]}}',
    ],
    [
      'a nested target',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"A.b"}]}]},"A":{"b":1}}',
    ],
    [
      'a numeric dimension value',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["D"]],"Metrics":[{"Name":"X"}]}]},"D":1,"X":1}',
    ],
    [
      'an unknown unit',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"X","Unit":"ms"}]}]},"X":1}',
    ],
  ])('finds %s', (_, line) => {
    expect(emfViolations(line)).not.toEqual([]);
  });
});

describe('createLatencyHistogram', () => {
  it('gives every latency back as its bucket value, within 5 %, while they fit', () => {
    const histogram = createLatencyHistogram();
    const latencies = [0.2, 1, 1, 3.7, 12, 250, 999, 24_000];
    for (const ms of latencies) histogram.record(ms);
    const values = histogram.values(100);
    expect(values).toHaveLength(latencies.length);
    values.forEach((value, i) => {
      expect(Math.abs(value - (latencies[i] as number)) / (latencies[i] as number)).toBeLessThan(0.05);
    });
  });

  it('samples proportionally beyond the bound and keeps the slowest bucket', () => {
    const histogram = createLatencyHistogram();
    for (let i = 0; i < 9_000; i++) histogram.record(1);
    for (let i = 0; i < 990; i++) histogram.record(20);
    for (let i = 0; i < 10; i++) histogram.record(900);
    const values = histogram.values(1000);
    expect(histogram.count).toBe(10_000);
    expect(values).toHaveLength(1000);
    const near = (target: number) => values.filter((v) => Math.abs(v - target) / target < 0.05).length;
    expect(near(1)).toBe(898);
    expect(near(20)).toBe(100);
    expect(near(900)).toBe(2);
  });

  it('ignores negative and non-finite values, clamps the extremes, and resets', () => {
    const histogram = createLatencyHistogram();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) histogram.record(ms);
    expect(histogram.count).toBe(0);
    histogram.record(0);
    histogram.record(10 * 60_000);
    const [low, high] = histogram.values(10);
    expect(low).toBeLessThan(0.011);
    expect(high).toBeGreaterThan(55_000);
    histogram.reset();
    expect(histogram.values(10)).toEqual([]);
  });
});
