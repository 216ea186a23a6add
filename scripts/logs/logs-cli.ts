/**
 * `npm run logs`: searches the router's logs in every edge region (CloudWatch Logs Insights) or in
 * the local edge (`--local`), with one set of filters; prints the lines oldest first.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EDGE_REGIONS, edgeLogGroupName } from '../../edge/regional-edge-caches.ts';
import { parseCommandLine, UsageError, writeHelp } from '../lib/cli.ts';
import { type CliIO, runCommand } from '../lib/cli-io.ts';
import { searchInsights } from './insights-search.ts';
import { searchLocalLog } from './local-log-search.ts';
import { formatRecord, progressLine } from './log-output.ts';
import { parseLogFilters, parseRegions } from './log-query.ts';

const USAGE = `
Usage: npm run logs -- [filters] [options]

Searches the router's log lines (decisions, problems, failed replica attempts) in every region the
function runs in, with CloudWatch Logs Insights, one query per region in parallel; prints them
oldest first. With --local, searches the local edge's function log instead (npm start).

Filters (all that are given must match):
  --tenant ID          tenant id (tenantId)
  --host H             canonical viewer host (host)
  --request-id ID      CloudFront request id (requestId; x-amz-cf-id)
  --status N           generated status (400, 403, 404, 502, 503)
  --since D            how far back: 30s, 15m, 2h, 7d (default 15m)

Options:
  --regions all|LIST   comma-separated edge regions (default all: the 13 regional edge caches)
  --function NAME      the edge function (default TenantRouter-router: <stackName>-router)
  --limit N            lines per region at most (default 1000)
  --local              search the local edge instead of CloudWatch
  --control-url URL    the local edge's control API (default http://127.0.0.1:8081)
  --json               one JSON object per line
  -h, --help           this text

Credentials and the CloudWatch endpoint come from the usual AWS SDK settings.
`;

/** What the command needs from outside: its IO, a clock, and (tests) the CloudWatch clients. */
export interface LogsCliDeps {
  readonly now?: () => number;
  readonly clientFor?: (region: string) => CloudWatchLogsClient;
  readonly pause?: () => Promise<void>;
}

/**
 * Runs `npm run logs` with `argv`; returns the exit code: 0 when every region answered, 1 when
 * one or more failed (the others' lines are still printed), 2 for bad usage.
 */
export function runLogsCli(argv: readonly string[], io: CliIO, deps: LogsCliDeps = {}): Promise<number> {
  return runCommand(io, async () => {
    const line = parseCommandLine(
      {
        name: 'logs',
        usage: USAGE,
        options: {
          tenant: { type: 'string' },
          host: { type: 'string' },
          'request-id': { type: 'string' },
          status: { type: 'string' },
          since: { type: 'string' },
          regions: { type: 'string' },
          function: { type: 'string' },
          limit: { type: 'string' },
          local: { type: 'boolean' },
          'control-url': { type: 'string' },
          json: { type: 'boolean' },
        },
      },
      argv,
    );
    if (line.kind === 'help') return writeHelp(io.stdout, line.text);
    const { values } = line;
    const filters = parseLogFilters(
      {
        tenant: values.tenant,
        host: values.host,
        requestId: values['request-id'],
        status: values.status,
        since: values.since,
        limit: values.limit,
      },
      (deps.now ?? Date.now)(),
    );
    const json = values.json === true;
    const print = (records: Parameters<typeof formatRecord>[0][]) => {
      for (const record of records) io.stdout.write(`${formatRecord(record, json)}\n`);
    };
    if (values.local === true) {
      if (values.function !== undefined) throw new UsageError('--function does not apply to --local');
      const controlUrl = values['control-url'] ?? 'http://127.0.0.1:8081';
      if (!URL.canParse(controlUrl)) throw new UsageError('--control-url must be a URL');
      const regions =
        values.regions === undefined || values.regions === 'all' ? 'all' : parseRegions(values.regions, []);
      const records = await searchLocalLog(controlUrl, filters, regions);
      print(records);
      io.stderr.write(`logs: local edge, ${records.length} line(s)\n`);
      return 0;
    }
    if (values['control-url'] !== undefined) throw new UsageError('--control-url needs --local');
    const regions = parseRegions(values.regions, EDGE_REGIONS);
    const functionName = values.function ?? 'TenantRouter-router';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(functionName))
      throw new UsageError('--function is not a Lambda function name');
    const result = await searchInsights({
      regions,
      logGroupName: edgeLogGroupName(functionName),
      filters,
      ...(deps.clientFor !== undefined && { clientFor: deps.clientFor }),
      ...(deps.pause !== undefined && { pause: deps.pause }),
      onProgress: (progress) => {
        if (io.stderr.isTTY === true) io.stderr.write(`\r${progressLine(progress)}`);
      },
    });
    if (io.stderr.isTTY === true) io.stderr.write('\n');
    print([...result.records]);
    const failed = result.outcomes.filter((o) => !o.ok);
    for (const outcome of failed)
      if (!outcome.ok) io.stderr.write(`logs: ${outcome.region}: ${outcome.error}\n`);
    io.stderr.write(
      `${progressLine({ done: regions.length, total: regions.length, failed: failed.length, matched: result.records.length })}\n`,
    );
    return failed.length === 0 ? 0 : 1;
  });
}
