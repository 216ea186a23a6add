import { describe, expect, it } from 'vitest';
import { REGIONAL_EDGE_CACHE_REGIONS } from '../../edge/region-geography.ts';
import { UsageError } from '../../scripts/lib/cli.ts';
import {
  edgeRegionOf,
  parseEdgeRegions,
  spreadOverEdgeRegions,
  ViewerCacheTracker,
} from '../../scripts/loadtest/edge-region-spread.ts';
import { edgeRegionTable } from '../../scripts/loadtest/html-report.ts';
import { LoadCollector, type RequestOutcome } from '../../scripts/loadtest/load-collector.ts';
import { parseLoadTestArguments } from '../../scripts/loadtest/load-test-options.ts';
import { errorKind } from '../../scripts/loadtest/open-loop-driver.ts';
import { formatEdgeRegionTable } from '../../scripts/loadtest/summary-table.ts';
import { aLoadTestSettings } from '../support/load-results.ts';

describe('--edge-regions', () => {
  it('reads all as the 13 regional edge cache regions, or a list of them', () => {
    expect(parseLoadTestArguments(['--edge-regions', 'all']).edgeRegions).toEqual([
      ...REGIONAL_EDGE_CACHE_REGIONS,
    ]);
    expect(parseLoadTestArguments(['--edge-regions', 'sa-east-1,eu-west-1']).edgeRegions).toEqual([
      'sa-east-1',
      'eu-west-1',
    ]);
    expect(parseLoadTestArguments([]).edgeRegions).toBeUndefined();
  });

  it.each([
    [['--edge-regions', 'eu-north-1'], /eu-north-1: not a regional edge cache region/],
    [['--edge-regions', 'sa-east-1,sa-east-1'], /names a region twice/],
    [['--edge-regions', 'all', '--in-process'], /not --in-process/],
    [['--edge-regions', 'all', '--target', 'http://127.0.0.1:8080'], /needs --control/],
    [['--latency', 'far'], /--latency "far"/],
    [['--latency', 'real', '--in-process'], /own local edge/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadTestArguments(argv)).toThrowError(UsageError);
    expect(() => parseLoadTestArguments(argv)).toThrowError(message);
  });

  it('reads the latency of its own local edge (none by default)', () => {
    expect(parseLoadTestArguments([]).latency).toBe('none');
    expect(parseLoadTestArguments(['--latency', 'scaled:0.5']).latency).toEqual({ scale: 0.5 });
  });

  it('gives every edge region the same share, round robin', () => {
    const regions = ['a-x-1', 'b-x-1', 'c-x-1'];
    expect([0, 1, 2, 3, 4].map((i) => edgeRegionOf(i, regions))).toEqual([
      'a-x-1',
      'b-x-1',
      'c-x-1',
      'a-x-1',
      'b-x-1',
    ]);
    expect(parseEdgeRegions('').ok).toBe(false);
  });
});

describe('ViewerCacheTracker', () => {
  it('calls a host uncached in an edge region until an answer came back from there', () => {
    const tracker = new ViewerCacheTracker();
    expect(tracker.stateAtSend('sa-east-1', 'a')).toBe('uncached');
    tracker.answered('sa-east-1', 'a', 503); // a failed lookup is not cached
    expect(tracker.stateAtSend('sa-east-1', 'a')).toBe('uncached');
    tracker.answered('sa-east-1', 'a', 200);
    expect(tracker.stateAtSend('sa-east-1', 'a')).toBe('cached');
    expect(tracker.stateAtSend('eu-west-1', 'a')).toBe('uncached'); // each region has its own cache
  });
});

describe('spreadOverEdgeRegions', () => {
  it('sends each request with its edge region header and labels the outcome, failures included', async () => {
    const sent: Record<string, string>[] = [];
    const send = spreadOverEdgeRegions(
      async (host, headers) => {
        sent.push(headers as Record<string, string>);
        if (host === 'down') throw Object.assign(new Error('x'), { code: 'ECONNRESET' });
        return { status: 200, region: 'us-east-1' };
      },
      ['sa-east-1', 'eu-west-1'],
      errorKind,
    );
    expect(await send('a', 0)).toMatchObject({
      edgeRegion: 'sa-east-1',
      viewerCache: 'uncached',
      status: 200,
    });
    expect(await send('a', 2)).toMatchObject({ edgeRegion: 'sa-east-1', viewerCache: 'cached' });
    expect(await send('down', 1)).toEqual({
      error: 'ECONNRESET',
      edgeRegion: 'eu-west-1',
      viewerCache: 'uncached',
    });
    expect(sent.map((h) => h['x-local-edge-region'])).toEqual(['sa-east-1', 'sa-east-1', 'eu-west-1']);
  });
});

describe('results per edge region', () => {
  const outcome = (edgeRegion: string, extra: Partial<RequestOutcome>): RequestOutcome => ({
    status: 200,
    region: 'us-east-1',
    edgeRegion,
    ...extra,
  });
  const result = () => {
    const c = new LoadCollector();
    c.record(300, 0, outcome('sa-east-1', { viewerCache: 'uncached' }));
    c.record(2, 10, outcome('sa-east-1', { viewerCache: 'cached' }));
    c.record(750, 20, outcome('ap-south-1', { status: 503, viewerCache: 'uncached' }));
    c.record(10, 30, { error: 'timeout', edgeRegion: 'ap-south-1', viewerCache: 'uncached' });
    return c.result({
      settings: aLoadTestSettings({
        target: 'local edge',
        ratePerSecond: 4,
        durationMs: 1_000,
        warmupMs: 0,
        hosts: 2,
        zipf: 0,
      }),
      startedAt: '2026-01-01T00:00:00.000Z',
      scheduled: 4,
      measuredWallMs: 1_000,
      dynamoReads: 3,
      dynamoReadsByEdgeRegion: { 'sa-east-1': 3 },
    });
  };

  it('splits latency by cached and uncached tenants, and counts failures and reads per edge region', () => {
    const byEdge = result().byEdgeRegion;
    expect(byEdge?.['sa-east-1']).toMatchObject({ completed: 2, errors: 0, failed: 0, dynamoReads: 3 });
    expect(byEdge?.['sa-east-1']?.uncached?.count).toBe(1);
    expect(byEdge?.['sa-east-1']?.cached?.count).toBe(1);
    expect(byEdge?.['ap-south-1']).toMatchObject({ completed: 1, errors: 1, failed: 2, dynamoReads: 0 });
    expect(byEdge?.['ap-south-1']?.cached).toBeUndefined();
    expect(byEdge?.['ap-south-1']?.errorsByStatus).toEqual({ '503': 1, timeout: 1 });
  });

  it('prints one row per edge region in the text and HTML reports', () => {
    const text = formatEdgeRegionTable(result());
    expect(text).toMatch(/^edge region\s+nearest replica\s+answered\s+failed\s+uncached p50/);
    expect(text).toMatch(/\nsa-east-1\s+-\s+2\s+0\s+300 ms/);
    expect(text).toMatch(/\nap-south-1\s+-\s+1\s+2\s+750 ms.*503: 1, timeout: 1$/m);
    expect(edgeRegionTable(result())).toContain('<td>ap-south-1</td><td>-</td><td>1</td><td>2</td>');
  });
});
