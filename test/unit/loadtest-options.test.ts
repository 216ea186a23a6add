import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/cli.ts';
import { parseLoadTestArguments, withSweepValue } from '../../scripts/loadtest/load-test-options.ts';

describe('parseLoadTestArguments', () => {
  it('defaults to HTTP against its own local edge, which implies creating the tenants', () => {
    const o = parseLoadTestArguments([]);
    expect(o).toMatchObject({
      mode: 'http',
      tenants: 1000,
      seed: true,
      zipf: 1.1,
      ratePerSecond: 200,
      durationMs: 10_000,
      warmupMs: 2_000,
      connections: 16,
      edgeRegion: 'us-east-1',
    });
    expect(o.target).toBeUndefined();
  });

  it('reads the in-process options', () => {
    const o = parseLoadTestArguments([
      '--in-process',
      '--rate',
      '2000',
      '--duration',
      '5',
      '--tenants',
      '10000',
      '--zipf',
      '0',
      '--read-latency',
      '20',
      '--cache-ttl',
      '1000',
      '--cache-size',
      '500',
      '--json',
      '-',
    ]);
    expect(o).toMatchObject({
      mode: 'in-process',
      ratePerSecond: 2000,
      durationMs: 5000,
      tenants: 10000,
      zipf: 0,
      readLatencyMs: 20,
      cacheTtlMs: 1000,
      cacheMaxEntries: 500,
      jsonFile: '-',
      seed: true,
    });
  });

  it('loads a given target without creating tenants unless asked', () => {
    const o = parseLoadTestArguments(['--target', 'http://127.0.0.1:8080', '--hosts', 'hosts.txt']);
    expect(o.target?.href).toBe('http://127.0.0.1:8080/');
    expect(o.hostsFile).toBe('hosts.txt');
    expect(o.seed).toBe(false);
  });

  it('parses a sweep and applies its values', () => {
    const o = parseLoadTestArguments(['--in-process', '--sweep', 'tenants=1000,10000']);
    expect(o.sweep).toEqual({ parameter: 'tenants', values: [1000, 10000] });
    expect(withSweepValue(o, 'tenants', 10000).tenants).toBe(10000);
    expect(withSweepValue(o, 'ttl', 5).cacheTtlMs).toBe(5);
    expect(withSweepValue(o, 'cache-size', 7).cacheMaxEntries).toBe(7);
    expect(withSweepValue(o, 'zipf', 0.5).zipf).toBe(0.5);
  });

  it.each([
    [['--rate', '0'], /--rate/],
    [['--rate', 'fast'], /--rate/],
    [['--duration', '601'], /--duration/],
    [['--tenants', '1.5'], /--tenants/],
    [['--target', 'not a url'], /--target/],
    [['--target', 'ftp://x'], /http or https/],
    [['--in-process', '--target', 'http://127.0.0.1:1'], /--in-process/],
    [['--read-latency', '5'], /--read-latency is for --in-process/],
    [['--target', 'http://127.0.0.1:1', '--cache-ttl', '5'], /starts itself/],
    [['--target', 'http://127.0.0.1:1', '--seed'], /--seed needs --control/],
    [['--hosts', 'h.txt', '--tenants', '5'], /alternatives/],
    [['--target', 'http://127.0.0.1:1', '--sweep', 'ttl=1,2'], /needs a router the load test starts/],
    [['--edge-region', 'mars'], /--edge-region/],
    [['--rate', '200000', '--duration', '600'], /20,000,000/],
    [['--bogus'], /bogus/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadTestArguments(argv)).toThrow(UsageError);
    expect(() => parseLoadTestArguments(argv)).toThrow(message);
  });
});
