import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/lib/cli.ts';
import { parseLoadTestArguments } from '../../scripts/loadtest/load-test-options.ts';
import {
  exceedsErrorRate,
  isExpectedStatus,
  parseStatusExpectation,
} from '../../scripts/loadtest/status-expectation.ts';

describe('--expect', () => {
  it('expects 2xx and 3xx by default', () => {
    const { expect: expectation } = parseLoadTestArguments([]);
    expect(expectation.label).toBe('2xx,3xx');
    expect([200, 204, 301, 399].every((s) => isExpectedStatus(expectation, s))).toBe(true);
    expect([404, 403, 502, 503, 100].some((s) => isExpectedStatus(expectation, s))).toBe(false);
  });

  it('reads classes and single codes, normalised', () => {
    const parsed = parseStatusExpectation(' 404,2XX,200 ');
    expect(parsed).toEqual({ ok: true, expectation: { label: '2xx,404', classes: [2], codes: [404] } });
    if (!parsed.ok) return;
    expect(isExpectedStatus(parsed.expectation, 404)).toBe(true);
    expect(isExpectedStatus(parsed.expectation, 403)).toBe(false);
  });

  it.each(['', '2x', '600', 'ok', '2xx,,'])('refuses %j with one usage line', (value) => {
    expect(() => parseLoadTestArguments(['--expect', value])).toThrow(UsageError);
  });
});

describe('--max-error-rate', () => {
  it('is 0 by default: any error fails the run', () => {
    expect(parseLoadTestArguments([]).maxErrorRate).toBe(0);
    expect(exceedsErrorRate({ errors: 1, finished: 100_000 }, 0)).toBe(true);
    expect(exceedsErrorRate({ errors: 0, finished: 100_000 }, 0)).toBe(false);
    expect(exceedsErrorRate({ errors: 0, finished: 0 }, 0)).toBe(false);
  });

  it('allows a share of errors up to the rate given', () => {
    expect(parseLoadTestArguments(['--max-error-rate', '0.01']).maxErrorRate).toBe(0.01);
    expect(exceedsErrorRate({ errors: 10, finished: 1_000 }, 0.01)).toBe(false);
    expect(exceedsErrorRate({ errors: 11, finished: 1_000 }, 0.01)).toBe(true);
    expect(() => parseLoadTestArguments(['--max-error-rate', '2'])).toThrow(UsageError);
  });
});

describe('--emit and --import', () => {
  it('takes the engine and a folder', () => {
    const o = parseLoadTestArguments(['--emit', 'locust', 'out', '--target', 'http://127.0.0.1:8080']);
    expect(o.emit).toEqual({ engine: 'locust', dir: 'out' });
    expect(parseLoadTestArguments(['--import', 'out', '--html', 'r.html']).importDir).toBe('out');
  });

  it('takes any AWS regions as the workers of a test for a deployment, edge cache regions for the local edge', () => {
    const deployment = ['--emit', 'locust', 'out', '--hosts', 'hosts.txt'];
    expect(
      parseLoadTestArguments([...deployment, '--edge-regions', 'eu-north-1,us-east-1']).edgeRegions,
    ).toEqual(['eu-north-1', 'us-east-1']);
    expect(() => parseLoadTestArguments([...deployment, '--edge-regions', 'mars-1'])).toThrow(
      /not an AWS region/,
    );
    const local = [
      '--emit',
      'locust',
      'out',
      '--target',
      'http://127.0.0.1:8080',
      '--control',
      'http://127.0.0.1:8081',
    ];
    expect(() => parseLoadTestArguments([...local, '--edge-regions', 'eu-north-1'])).toThrow(
      /not a regional edge cache region/,
    );
  });

  it.each([
    [['--emit', 'artillery', 'out', '--target', 'http://x'], /engine is one of locust/],
    [['--emit', 'locust', '--target', 'http://x'], /needs one folder/],
    [['--emit', 'locust', 'out'], /running system/],
    [['--emit', 'locust', 'out', '--in-process'], /drop --in-process/],
    [['--import', 'out', '--rate', '10'], /--rate does not apply/],
    [['stray'], /unexpected argument "stray"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadTestArguments(argv)).toThrow(UsageError);
    expect(() => parseLoadTestArguments(argv)).toThrow(message);
  });
});
