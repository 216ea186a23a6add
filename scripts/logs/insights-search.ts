/**
 * The search in CloudWatch: one Logs Insights query per edge region, all started at once, each
 * polled until it finishes, the regions' results merged in time order. A region that fails
 * (no log group there, access denied, too many concurrent queries) is reported with its error and
 * does not hide the others. Clients come from a factory, so tests point them at a stand-in.
 */
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { insightsQuery, type LogFilters, type LogRecord, mergeByTime } from './log-query.ts';

/** How one region's search ended. */
export type RegionOutcome =
  | { readonly region: string; readonly ok: true; readonly records: LogRecord[]; readonly scanned: number }
  | { readonly region: string; readonly ok: false; readonly error: string };

/** Progress of a search: regions done so far out of all. */
export interface SearchProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly matched: number;
}

/** Options of {@link searchInsights}. */
export interface InsightsSearchOptions {
  readonly regions: readonly string[];
  /** The function's log group, the same name in every region. */
  readonly logGroupName: string;
  readonly filters: LogFilters;
  /** @default a CloudWatchLogsClient for the region (default credential chain) */
  readonly clientFor?: (region: string) => CloudWatchLogsClient;
  /** Called after each region finishes. */
  readonly onProgress?: (progress: SearchProgress) => void;
  /** Waits between polls. @default 1 s */
  readonly pause?: () => Promise<void>;
  /** Polls per region before giving up (and stopping the query). @default 120 */
  readonly maxPolls?: number;
}

/** What a search found. */
export interface InsightsSearchResult {
  /** Every region's outcome, in the order the regions were given. */
  readonly outcomes: readonly RegionOutcome[];
  /** The matching lines of every region that answered, oldest first. */
  readonly records: readonly LogRecord[];
}

const FINISHED_BADLY = new Set(['Failed', 'Cancelled', 'Timeout', 'Unknown']);

/** Logs Insights reports `@timestamp` as `2026-01-01 12:00:00.000` in UTC. */
function parseInsightsTimestamp(text: string | undefined): number {
  return text === undefined ? Number.NaN : Date.parse(`${text.replace(' ', 'T')}Z`);
}

function toRecord(region: string, row: readonly ResultField[]): LogRecord {
  const field = (name: string) => row.find((f) => f.field === name)?.value;
  const message = field('@message') ?? '';
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      fields = parsed as Record<string, unknown>;
  } catch {
    // A line that is not JSON (a runtime message such as START/END/REPORT) is kept as text.
  }
  return { timestamp: parseInsightsTimestamp(field('@timestamp')), region, message, fields };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Runs the query in one region to the end. */
async function searchRegion(
  region: string,
  options: InsightsSearchOptions,
  client: CloudWatchLogsClient,
): Promise<RegionOutcome> {
  const { filters } = options;
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 1000)));
  let queryId: string | undefined;
  try {
    const started = await client.send(
      new StartQueryCommand({
        logGroupName: options.logGroupName,
        startTime: Math.floor(filters.sinceMs / 1000),
        endTime: Math.ceil(filters.untilMs / 1000),
        queryString: insightsQuery(filters),
        limit: filters.limit,
      }),
    );
    queryId = started.queryId;
    if (queryId === undefined) return { region, ok: false, error: 'StartQuery returned no queryId' };
    for (let poll = 0; poll < (options.maxPolls ?? 120); poll++) {
      const answer = await client.send(new GetQueryResultsCommand({ queryId }));
      const status = answer.status ?? 'Unknown';
      if (status === 'Complete') {
        const records = (answer.results ?? []).map((row) => toRecord(region, row));
        return { region, ok: true, records, scanned: answer.statistics?.recordsScanned ?? 0 };
      }
      if (FINISHED_BADLY.has(status)) return { region, ok: false, error: `query ${status.toLowerCase()}` };
      await pause();
    }
    await client.send(new StopQueryCommand({ queryId })).catch(() => {});
    return { region, ok: false, error: 'query still running after the last poll (stopped)' };
  } catch (error) {
    return { region, ok: false, error: describe(error) };
  }
}

/**
 * Searches every region in parallel.
 *
 * @example
 * const { records, outcomes } = await searchInsights({ regions: EDGE_REGIONS, logGroupName, filters });
 */
export async function searchInsights(options: InsightsSearchOptions): Promise<InsightsSearchResult> {
  const clientFor = options.clientFor ?? ((region: string) => new CloudWatchLogsClient({ region }));
  const progress = { done: 0, total: options.regions.length, failed: 0, matched: 0 };
  const clients = options.regions.map((region) => clientFor(region));
  try {
    const outcomes = await Promise.all(
      options.regions.map(async (region, i) => {
        const outcome = await searchRegion(region, options, clients[i] as CloudWatchLogsClient);
        progress.done++;
        if (outcome.ok) progress.matched += outcome.records.length;
        else progress.failed++;
        options.onProgress?.({ ...progress });
        return outcome;
      }),
    );
    return { outcomes, records: mergeByTime(outcomes.map((o) => (o.ok ? o.records : []))) };
  } finally {
    for (const client of clients) client.destroy();
  }
}
