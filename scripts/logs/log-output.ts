/**
 * How `npm run logs` prints: one line per log line (time, region, then the fields an operator
 * reads first) or one JSON object per line, and the progress line.
 */
import type { SearchProgress } from './insights-search.ts';
import type { LogRecord } from './log-query.ts';

/** Fields shown in front, in this order; the rest follow as key=value. */
const LEADING = ['level', 'msg', 'status', 'reason', 'host', 'tenantId', 'region', 'origin', 'requestId'];
const SKIPPED = new Set([...LEADING, 'edgeRegion']);

/** One record as a text line, or as JSON (`timestamp` ISO, `logRegion`, then the line's fields). */
export function formatRecord(record: LogRecord, json: boolean): string {
  const time = Number.isFinite(record.timestamp) ? new Date(record.timestamp).toISOString() : '-';
  if (json) return JSON.stringify({ timestamp: time, logRegion: record.region, ...record.fields });
  if (Object.keys(record.fields).length === 0) return `${time}  ${record.region}  ${record.message}`;
  const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const leading = LEADING.filter((key) => record.fields[key] !== undefined).map((key) =>
    key === 'requestId' ? `req=${show(record.fields[key])}` : show(record.fields[key]),
  );
  const rest = Object.entries(record.fields)
    .filter(([key, value]) => !SKIPPED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${show(value)}`);
  return [time, record.region.padEnd(14), ...leading, ...rest].join('  ');
}

/** `logs: 7/13 regions, 1 failed, 42 line(s)` */
export function progressLine(progress: SearchProgress): string {
  return `logs: ${progress.done}/${progress.total} regions, ${progress.failed} failed, ${progress.matched} line(s)`;
}
