/**
 * `npm run logs -- --local`: the same search over the local edge's function log (what each
 * emulated edge region's function instance wrote), read from its control API's `GET /logs`.
 */
import { type LogFilters, type LogRecord, matchesFilters, mergeByTime } from './log-query.ts';

/** A line as `GET /logs` returns it (scripts/local-edge/function-log.ts). */
interface LocalLine {
  readonly timestamp: number;
  readonly edgeRegion: string;
  readonly message: string;
  readonly entry?: Record<string, unknown> | null;
}

/**
 * Reads the local edge's function log and keeps the lines matching `filters` in `regions` (`all`:
 * every emulated region that ran), the
 * newest `filters.limit` of them, oldest first. Throws when the control API cannot be read.
 */
export async function searchLocalLog(
  controlUrl: string,
  filters: LogFilters,
  regions: readonly string[] | 'all',
): Promise<LogRecord[]> {
  const response = await fetch(new URL('/logs', controlUrl));
  if (!response.ok) throw new Error(`GET ${controlUrl}/logs answered ${response.status}`);
  const body = (await response.json()) as { lines?: LocalLine[] };
  const wanted = regions === 'all' ? undefined : new Set(regions);
  const records = (body.lines ?? [])
    .map(
      (line): LogRecord => ({
        timestamp: line.timestamp,
        region: line.edgeRegion,
        message: line.message,
        fields: line.entry ?? {},
      }),
    )
    .filter(
      (record) => (wanted === undefined || wanted.has(record.region)) && matchesFilters(record, filters),
    );
  return mergeByTime([records.slice(-filters.limit)]);
}
