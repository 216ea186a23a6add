/**
 * What `npm run logs` looks for, once: the filters, the Logs Insights query they become, and the
 * same filters as a predicate over log lines (`--local`, and the stand-in's check in tests). The
 * router's log lines are JSON objects; Logs Insights discovers their fields (`tenantId`, `host`,
 * `requestId`, `status`, `msg`), and the predicate reads the same fields. Pure.
 */
import { REGION_PATTERN, TENANT_ID_PATTERN } from '../../edge/model.ts';
import { UsageError } from '../lib/errors.ts';

/** The filters of one search. Every given filter must match (AND). */
export interface LogFilters {
  readonly tenantId?: string;
  readonly host?: string;
  readonly requestId?: string;
  /** A generated status (400, 403, 404, 502, 503): forwarded requests have none. */
  readonly status?: number;
  /** Earliest time searched, ms since the epoch. */
  readonly sinceMs: number;
  /** Latest time searched, ms since the epoch. */
  readonly untilMs: number;
  /** Most lines returned (newest first before merging). */
  readonly limit: number;
}

/** One log line found, wherever it came from. */
export interface LogRecord {
  /** When CloudWatch (or the local edge) received it, ms since the epoch. */
  readonly timestamp: number;
  /** The region whose log group holds it (the edge region that ran the function). */
  readonly region: string;
  /** The line as written. */
  readonly message: string;
  /** The line's JSON fields (empty for a line that is not a JSON object). */
  readonly fields: Readonly<Record<string, unknown>>;
}

const HOST_PATTERN = /^(?=.{1,253}$)[a-z0-9*](?:[a-z0-9.-]*[a-z0-9])?$/;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_=-]{1,128}$/;
const DURATION_PATTERN = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** What marks an EMF metric document (every one has the `_aws` member) among log lines. */
const EMF_MARKER = '"_aws":';
/** Logs Insights looks back at most this far. */
const MAX_LOOKBACK_MS = 30 * 86_400_000;

/** `15m` -> ms. Throws UsageError naming `option` for anything else. */
export function parseDuration(text: string, option: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (match === null)
    throw new UsageError(`--${option} must look like 30s, 15m, 2h or 7d, got ${JSON.stringify(text)}`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms <= 0 || ms > MAX_LOOKBACK_MS) throw new UsageError(`--${option} must be between 1s and 30d`);
  return ms;
}

/** The raw option values of a search. */
export interface LogFilterOptions {
  readonly tenant?: string | undefined;
  readonly host?: string | undefined;
  readonly requestId?: string | undefined;
  readonly status?: string | undefined;
  readonly since?: string | undefined;
  readonly limit?: string | undefined;
}

/**
 * Validates the filter options (each value has a strict form, so none can change the query's
 * meaning) and fixes the time range from `now`.
 */
export function parseLogFilters(options: LogFilterOptions, now: number): LogFilters {
  const check = (value: string | undefined, pattern: RegExp, option: string, what: string) => {
    if (value !== undefined && !pattern.test(value))
      throw new UsageError(`--${option} ${JSON.stringify(value)} is not ${what}`);
    return value;
  };
  const tenantId = check(options.tenant, TENANT_ID_PATTERN, 'tenant', 'a tenant id');
  const host = check(options.host?.toLowerCase(), HOST_PATTERN, 'host', 'a host name');
  const requestId = check(options.requestId, REQUEST_ID_PATTERN, 'request-id', 'a request id');
  let status: number | undefined;
  if (options.status !== undefined) {
    status = Number(options.status);
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new UsageError(
        `--status must be an HTTP status (100-599), got ${JSON.stringify(options.status)}`,
      );
  }
  let limit = 1000;
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new UsageError('--limit must be a whole number from 1 to 10000 (the Logs Insights maximum)');
  }
  return {
    ...(tenantId !== undefined && { tenantId }),
    ...(host !== undefined && { host }),
    ...(requestId !== undefined && { requestId }),
    ...(status !== undefined && { status }),
    sinceMs: now - parseDuration(options.since ?? '15m', 'since'),
    untilMs: now,
    limit,
  };
}

/** Parses `--regions all|LIST` against the known edge regions. */
export function parseRegions(value: string | undefined, all: readonly string[]): string[] {
  if (value === undefined || value === 'all') return [...all];
  const regions = value.split(',').map((r) => r.trim());
  for (const region of regions)
    if (!REGION_PATTERN.test(region))
      throw new UsageError(`--regions: ${JSON.stringify(region)} is not a region`);
  if (new Set(regions).size !== regions.length) throw new UsageError('--regions has duplicates');
  return regions;
}

/** Field name -> expected value of the given filters. */
function fieldFilters(filters: LogFilters): [string, string | number][] {
  const pairs: [string, string | number | undefined][] = [
    ['tenantId', filters.tenantId],
    ['host', filters.host],
    ['requestId', filters.requestId],
    ['status', filters.status],
  ];
  return pairs.filter((pair): pair is [string, string | number] => pair[1] !== undefined);
}

/**
 * The Logs Insights query of the filters: every line but the EMF metric documents, each filter an
 * equality on a discovered JSON field, newest first.
 *
 * @example
 * insightsQuery({ tenantId: 'acme', sinceMs, untilMs, limit: 100 })
 * // fields @timestamp, @message, @logStream | filter @message not like /"_aws":/ | filter tenantId = 'acme' | ...
 */
export function insightsQuery(filters: LogFilters): string {
  const literal = (value: string | number) => (typeof value === 'number' ? String(value) : `'${value}'`);
  return [
    'fields @timestamp, @message, @logStream',
    // On the raw line, not a field: runtime lines (START, REPORT, "Task timed out") have no `msg`.
    `filter @message not like /${EMF_MARKER}/`,
    ...fieldFilters(filters).map(([field, value]) => `filter ${field} = ${literal(value)}`),
    'sort @timestamp desc',
    `limit ${filters.limit}`,
  ].join(' | ');
}

/** Whether a line matches the filters (the same rules as {@link insightsQuery}). */
export function matchesFilters(record: LogRecord, filters: LogFilters): boolean {
  if (record.timestamp < filters.sinceMs || record.timestamp > filters.untilMs) return false;
  if (record.message.includes(EMF_MARKER)) return false;
  return fieldFilters(filters).every(([field, value]) => record.fields[field] === value);
}

/** Merges per-region results into one list, oldest first, ties kept in region order. */
export function mergeByTime(perRegion: readonly (readonly LogRecord[])[]): LogRecord[] {
  return perRegion.flat().sort((a, b) => a.timestamp - b.timestamp);
}
