/**
 * `npm run logs` against CloudWatch, at the SDK boundary: the real CloudWatchLogsClient talking
 * the JSON 1.1 protocol to a local stand-in of StartQuery / GetQueryResults (see its header for
 * what it does not model), one client per region as in production.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogsCli } from '../../scripts/logs/logs-cli.ts';
import {
  type CloudWatchLogsStandIn,
  startCloudWatchLogsStandIn,
} from '../support/cloudwatch-logs-stand-in.ts';

const GROUP = '/aws/lambda/us-east-1.TenantRouter-router';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function line(fields: Record<string, unknown>): string {
  return JSON.stringify({ level: 'info', msg: 'route', ...fields });
}

function capture(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text), isTTY },
      env: {},
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('npm run logs (CloudWatch Logs Insights)', () => {
  let standIn: CloudWatchLogsStandIn;
  const clientFor = (region: string) =>
    new CloudWatchLogsClient({
      region,
      endpoint: standIn.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  const run = (argv: string[], isTTY = false) => {
    const c = capture(isTTY);
    return runLogsCli(argv, c.io, { now: () => NOW, clientFor, pause: async () => {} }).then((code) => ({
      code,
      ...c,
    }));
  };

  beforeAll(async () => {
    standIn = await startCloudWatchLogsStandIn();
    standIn.put('eu-west-1', GROUP, [
      {
        timestamp: NOW - 60_000,
        message: line({ tenantId: 'acme', host: 'shop.acme.com', requestId: 'r-eu-1' }),
      },
      {
        timestamp: NOW - 20_000,
        message: line({ tenantId: 'globex', host: 'globex.app.example.com', requestId: 'r-eu-2' }),
      },
      {
        timestamp: NOW - 5_000,
        message: JSON.stringify({ level: 'info', msg: 'metrics', tenantId: 'acme', _aws: {} }),
      },
    ]);
    standIn.put('us-east-1', GROUP, [
      {
        timestamp: NOW - 30_000,
        message: line({
          level: 'error',
          msg: 'route-problem',
          tenantId: 'acme',
          status: 503,
          reason: 'lookup-failed',
          requestId: 'r-us-1',
        }),
      },
      { timestamp: NOW - 40 * 60_000, message: line({ tenantId: 'acme', requestId: 'r-us-old' }) },
      { timestamp: NOW - 25_000, message: 'REPORT RequestId: 7f1c Duration: 5000.00 ms Status: timeout' },
    ]);
    standIn.put('ap-south-1', GROUP, [
      { timestamp: NOW - 10_000, message: line({ tenantId: 'acme', requestId: 'r-ap-1' }) },
    ]);
  });
  afterAll(async () => {
    await standIn?.close();
  });

  it('queries every region in parallel and prints the matches merged in time order', async () => {
    const { code, stdout, stderr } = await run([
      '--tenant',
      'acme',
      '--regions',
      'eu-west-1,us-east-1,ap-south-1',
      '--json',
    ]);
    expect(code).toBe(0);
    const lines = stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.requestId, l.logRegion])).toEqual([
      ['r-eu-1', 'eu-west-1'],
      ['r-us-1', 'us-east-1'],
      ['r-ap-1', 'ap-south-1'],
    ]);
    expect(lines[0].timestamp).toBe(new Date(NOW - 60_000).toISOString());
    expect(stderr()).toContain('logs: 3/3 regions, 0 failed, 3 line(s)');
  });

  it('sends one StartQuery per region with the time range and the filters as Insights syntax, then polls', async () => {
    const before = standIn.calls.length;
    await run(['--status', '503', '--since', '1h', '--regions', 'us-east-1,eu-west-1']);
    const calls = standIn.calls.slice(before);
    const starts = calls.filter((c) => c.operation === 'StartQuery');
    expect(starts.map((c) => c.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(starts[0]?.body).toMatchObject({
      logGroupName: GROUP,
      startTime: (NOW - 3_600_000) / 1000,
      endTime: NOW / 1000,
      queryString:
        'fields @timestamp, @message, @logStream | filter @message not like /"_aws":/ | filter status = 503 | sort @timestamp desc | limit 1000',
    });
    // The stand-in answers Running first, like a real query: each region was polled twice.
    expect(calls.filter((c) => c.operation === 'GetQueryResults')).toHaveLength(4);
  });

  it('finds one request by its id and prints it as text', async () => {
    const { code, stdout } = await run(['--request-id', 'r-us-1', '--regions', 'eu-west-1,us-east-1']);
    expect(code).toBe(0);
    expect(stdout().trim().split('\n')).toEqual([
      expect.stringMatching(
        /^2026-01-01T11:59:30\.000Z {2}us-east-1 +error {2}route-problem {2}503 {2}lookup-failed {2}acme {2}req=r-us-1/,
      ),
    ]);
  });

  it('reports a failing region on stderr, still prints the others, and exits 1', async () => {
    standIn.fault('ap-south-1', {
      type: 'AccessDeniedException',
      message: 'User is not authorized to perform: logs:StartQuery',
    });
    try {
      const { code, stdout, stderr } = await run([
        '--tenant',
        'acme',
        '--regions',
        'eu-west-1,ap-south-1,sa-east-1',
        '--json',
      ]);
      expect(code).toBe(1);
      expect(
        stdout()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).requestId),
      ).toEqual(['r-eu-1']);
      expect(stderr()).toContain('logs: ap-south-1: AccessDeniedException: User is not authorized');
      expect(stderr()).toContain(
        "logs: sa-east-1: ResourceNotFoundException: Log group '/aws/lambda/us-east-1.TenantRouter-router' does not exist",
      );
      expect(stderr()).toContain('logs: 3/3 regions, 2 failed, 1 line(s)');
    } finally {
      standIn.fault('ap-south-1', undefined);
    }
  });

  it("keeps Lambda's own text lines (a timeout report) when no field filter excludes them", async () => {
    const { stdout } = await run(['--regions', 'us-east-1']);
    expect(stdout()).toContain(
      '2026-01-01T11:59:35.000Z  us-east-1  REPORT RequestId: 7f1c Duration: 5000.00 ms Status: timeout',
    );
    expect((await run(['--regions', 'us-east-1', '--tenant', 'acme'])).stdout()).not.toContain('REPORT');
  });

  it('shows a progress line on a terminal as regions finish', async () => {
    const { stderr } = await run(['--regions', 'eu-west-1,us-east-1'], true);
    expect(stderr()).toMatch(/\rlogs: 1\/2 regions, 0 failed, \d line\(s\)\rlogs: 2\/2 regions/);
  });

  it('searches all 13 edge regions by default', async () => {
    const before = standIn.calls.length;
    const { code, stderr } = await run(['--host', 'shop.acme.com']);
    expect(code).toBe(1); // only three regions have the log group here
    const regions = standIn.calls
      .slice(before)
      .filter((c) => c.operation === 'StartQuery')
      .map((c) => c.region);
    expect(new Set(regions).size).toBe(13);
    expect(stderr()).toContain('logs: 13/13 regions, 10 failed, 1 line(s)');
  });

  it.each([
    [['--tenant', 'Bad Tenant'], /--tenant "Bad Tenant" is not a tenant id/],
    [['--status', '5xx'], /--status must be an HTTP status/],
    [['--since', '3 weeks'], /--since must look like 30s, 15m, 2h or 7d/],
    [['--since', '60d'], /--since must be between 1s and 30d/],
    [['--regions', 'mars-1'], /--regions: "mars-1" is not a region/],
    [['--host', "x' or '1"], /--host .* is not a host name/],
    [['--control-url', 'http://x'], /--control-url needs --local/],
    [['--bogus'], /bogus/],
  ])('refuses %j with one line and exit 2', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr()).toMatch(message);
    expect(stderr().trim().split('\n')).toHaveLength(1);
  });
});
