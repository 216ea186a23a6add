/**
 * The per-request records an engine's test wrote (results/records.jsonl: one line per worker
 * report, `{region, worker, records: [[offsetMs, latencyMs, status, error, routerMs, hostIndex,
 * endOffsetMs], ...]}`), read into outcomes the collector takes, with each request labelled
 * uncached or cached as its viewer saw it. Pure.
 */
import type { HostKind } from '../../lib/generated-hosts.ts';
import type { RequestOutcome } from '../load-collector.ts';

/** One request as an engine recorded it. */
export interface EngineRecord {
  /** Region of the worker that sent it ('' when unlabelled). */
  readonly region: string;
  /** The worker (its time base: offsets of different workers are not comparable). */
  readonly worker: string;
  /** Intended send time, ms from its generator's start (warm-up included). */
  readonly offsetMs: number;
  /** From the intended send time to the end of the answer. */
  readonly latencyMs: number;
  /** 0 when no answer came. */
  readonly status: number;
  readonly error: string;
  /** The router's `Server-Timing` duration; negative when absent. */
  readonly routerMs: number;
  readonly hostIndex: number;
  readonly endOffsetMs: number;
}

/** Parses records.jsonl; a malformed line is an error naming its line number. */
export function parseEngineRecords(text: string, source: string): EngineRecord[] {
  const records: EngineRecord[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let batch: { region?: unknown; worker?: unknown; records?: unknown };
    try {
      batch = JSON.parse(line) as typeof batch;
    } catch {
      throw new Error(`${source}:${index + 1}: not JSON`);
    }
    if (!Array.isArray(batch.records)) throw new Error(`${source}:${index + 1}: no records`);
    const region = typeof batch.region === 'string' ? batch.region : '';
    const worker = String(batch.worker ?? '');
    for (const raw of batch.records as unknown[]) {
      if (!Array.isArray(raw) || raw.length < 7 || typeof raw[0] !== 'number')
        throw new Error(
          `${source}:${index + 1}: a record is not [offset, latency, status, error, router, host, end]`,
        );
      const [offsetMs, latencyMs, status, error, routerMs, hostIndex, endOffsetMs] = raw as [
        number,
        number,
        number,
        string,
        number,
        number,
        number,
      ];
      records.push({ region, worker, offsetMs, latencyMs, status, error, routerMs, hostIndex, endOffsetMs });
    }
  }
  return records;
}

/** A record as the collector's outcome; `cached` says whether its host was answered before. */
export function outcomeOfRecord(
  record: EngineRecord,
  labels: { edgeRegion: boolean; hostKind?: HostKind; cached: boolean },
): RequestOutcome {
  const answer: RequestOutcome =
    record.status > 0
      ? { status: record.status, ...(record.routerMs >= 0 && { routerMs: record.routerMs }) }
      : { error: record.error === '' ? 'no-response' : record.error };
  return {
    ...answer,
    ...(labels.edgeRegion && { edgeRegion: record.region }),
    ...(labels.hostKind !== undefined && { hostKind: labels.hostKind }),
    viewerCache: labels.cached ? 'cached' : 'uncached',
  };
}

/**
 * For each record, whether an answer for its host (not a 5xx: a failed lookup is not cached) had
 * come back to the same worker before it was sent: the viewer's view of the edge's cache.
 */
export function cachedAtSend(records: readonly EngineRecord[]): boolean[] {
  const firstAnswer = new Map<string, number>();
  const keyOf = (r: EngineRecord) => `${r.worker}\u0000${r.hostIndex}`;
  for (const r of records) {
    if (r.status <= 0 || r.status >= 500) continue;
    const key = keyOf(r);
    const seen = firstAnswer.get(key);
    if (seen === undefined || r.endOffsetMs < seen) firstAnswer.set(key, r.endOffsetMs);
  }
  // An answer ends after its own send, so the earliest answer decides for every later send.
  return records.map((r) => {
    const answered = firstAnswer.get(keyOf(r));
    return answered !== undefined && answered < r.offsetMs;
  });
}
