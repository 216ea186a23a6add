import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/cli.ts';
import { parseHostList } from '../../scripts/loadtest/host-list.ts';
import { renderRunReport, renderSweepReport } from '../../scripts/loadtest/html-report.ts';
import { LoadCollector } from '../../scripts/loadtest/load-collector.ts';
import type { LoadTestResult } from '../../scripts/loadtest/load-result.ts';
import { formatMs, formatSummary, formatSweepTable } from '../../scripts/loadtest/summary-table.ts';
import { parseSweep, runSweep } from '../../scripts/loadtest/sweep.ts';
import { aLoadTestSettings } from '../support/load-results.ts';

function resultWith(p50Ms: number, reads: number, target = 'http://127.0.0.1:1'): LoadTestResult {
  const c = new LoadCollector();
  for (let i = 0; i < 100; i++) {
    c.record(p50Ms * (1 + i / 100), i * 30, {
      status: 200,
      region: 'us-east-1',
      routerMs: p50Ms / 10,
      cacheOutcome: i < 90 ? 'hit' : 'miss',
    });
  }
  return c.result({
    settings: aLoadTestSettings({
      target,
      ratePerSecond: 50,
      durationMs: 3_000,
      warmupMs: 0,
      connections: 4,
      hosts: 100,
    }),
    startedAt: '2026-01-01T00:00:00.000Z',
    scheduled: 100,
    measuredWallMs: 3_000,
    dynamoReads: reads,
  });
}

describe('formatSummary', () => {
  it('lists the percentiles, outcomes, statuses, reads and hit ratio', () => {
    const text = formatSummary(resultWith(2, 10));
    expect(text).toMatch(/response \(from intended send\)\s+100/);
    expect(text).toMatch(/router, cache hit\s+90/);
    expect(text).toContain('cache hit ratio: 90.00%');
    expect(text).toContain('DynamoDB reads: 10 (100.0 per 1,000 requests)');
    expect(text).toContain('errors by status: none');
    expect(text).toContain('statuses: 200: 100');
    expect(text).toContain('achieved 33.3 req/s');
  });
});

describe('formatMs', () => {
  it.each([
    [0.0042, '4.20 µs'],
    [1.5, '1.50 ms'],
    [2500, '2.50 s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('HTML report', () => {
  it('is one self-contained page: uPlot and the data inlined, no external resources', () => {
    const html = renderRunReport(resultWith(2, 10));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<link|<script[^>]+src=|@import/i);
    expect(html).toContain('uPlot');
    for (const id of [
      'chart-latency-by-cache',
      'chart-router-vs-response',
      'chart-statuses',
      'chart-throughput',
      'chart-percentiles',
    ])
      expect(html).toContain(`id="${id}"`);
  });

  it('escapes text taken from the run, in the page and in the embedded data', () => {
    const html = renderRunReport(resultWith(2, 10, 'http://x/<b>"&</script>'));
    expect(html).not.toContain('<b>"&');
    expect(html).toContain('&#60;b&#62;');
    expect(html.match(/<\/script>/g)?.length).toBe(3);
  });

  it('says PASSED or FAILED against the error bar, and shows the errors by status', () => {
    const failing = {
      ...resultWith(2, 10),
      requests: { scheduled: 100, completed: 100, errors: 1, noResponse: 0 },
      errorRate: 0.01,
      errorsByStatus: { '503': 1 },
    };
    expect(renderRunReport(failing)).toContain('FAILED: 1.00% errors, at most 0.00% allowed');
    expect(renderRunReport(failing)).toContain('<td>503</td><td>1</td>');
    expect(renderRunReport(resultWith(2, 10))).toContain('PASSED');
  });

  it('marks a partial run', () => {
    const partial = { ...resultWith(2, 10), partial: { reason: 'interrupted' as const, at: 't', sent: 40 } };
    expect(renderRunReport(partial)).toContain('data-partial="true"');
    expect(formatSummary(partial)).toMatch(/^PARTIAL: interrupted at t after 40 of 100/);
    expect(renderRunReport(resultWith(2, 10))).not.toContain('data-partial');
  });

  it('renders a sweep as a table and a growth chart', async () => {
    const sweep = await runSweep(parseSweep('tenants=100,1000,10000'), async (value) =>
      resultWith(value / 1000, value / 100),
    );
    const table = formatSweepTable(sweep);
    expect(table.split('\n')[0]).toMatch(/^tenants\s+req\/s\s+errors\s+p50/);
    expect(table).toMatch(/\n10000\s/);
    const html = renderSweepReport(sweep);
    expect(html).toContain('Latency and read cost by tenants');
    expect(html).toContain('reads / 1k');
    expect(html).toContain('id="chart-sweep"');
  });
});

describe('parseSweep', () => {
  it('parses a parameter and its values', () => {
    expect(parseSweep('tenants=1000,10000,100000')).toEqual({
      parameter: 'tenants',
      values: [1000, 10000, 100000],
    });
    expect(parseSweep('zipf=0, 0.8,1.1')).toEqual({ parameter: 'zipf', values: [0, 0.8, 1.1] });
    expect(parseSweep('ttl=0,30000').parameter).toBe('ttl');
    expect(parseSweep('cache-size=100,1000').parameter).toBe('cache-size');
  });

  it.each([
    'colour=1,2',
    'tenants',
    'tenants=',
    'tenants=1,x',
    'tenants=1.5',
    'tenants=0',
    'zipf=1,1',
    'tenants=1,,2',
  ])('refuses %j with a usage error', (text) => {
    expect(() => parseSweep(text)).toThrow(UsageError);
  });

  it('runs the values in order, one at a time', async () => {
    const order: string[] = [];
    await runSweep(parseSweep('zipf=0,1'), async (value) => {
      order.push(`start ${value}`);
      await new Promise((r) => setImmediate(r));
      order.push(`end ${value}`);
      return resultWith(1, 1);
    });
    expect(order).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
  });
});

describe('parseHostList', () => {
  it('reads one host per line, skipping blanks and comments, lowercased', () => {
    expect(parseHostList('# top first\nShop.Acme.com\n\nacme.app.example.com  # platform\n')).toEqual([
      'shop.acme.com',
      'acme.app.example.com',
    ]);
  });

  it('names the bad line', () => {
    expect(() => parseHostList('ok.example.com\nnot a host\n', 'hosts.txt')).toThrow('hosts.txt:2');
    expect(() => parseHostList('# nothing\n')).toThrow(UsageError);
  });
});
