/**
 * The local edge's stand-in for CloudWatch Logs: every line the function writes in each emulated
 * edge region (its JSON log lines and EMF metric documents), with the time it was written and the
 * region, kept in a bounded buffer. `npm run logs -- --local` reads it through the control API
 * (`GET /logs`), the dashboard follows it live. Lines are also echoed (to the terminal) as before.
 */

/** One line the function wrote. */
export interface FunctionLogLine {
  /** Sequence number, increasing by one per line: `GET /logs?after=N` continues from it. */
  readonly seq: number;
  /** Wall-clock ms when it was written (CloudWatch's ingestion `@timestamp`). */
  readonly timestamp: number;
  /** Emulated edge region of the function instance that wrote it (the log group's region). */
  readonly edgeRegion: string;
  /** The line as written. */
  readonly message: string;
  /** The line parsed, when it is a JSON object (every line of the router is). */
  readonly entry: Readonly<Record<string, unknown>> | undefined;
}

/** Options of {@link createFunctionLog}. */
export interface FunctionLogOptions {
  /** Lines kept; the oldest go first. @default 20000 */
  readonly capacity?: number;
  /** Called with every complete line (the terminal). @default none */
  readonly echo?: (line: string) => void;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** The function log of one local edge. */
export interface FunctionLog {
  /** Takes what a function instance wrote to stdout (lines may arrive in pieces). */
  write(edgeRegion: string, text: string): void;
  /** Lines after sequence number `after` (all kept when omitted), oldest first. */
  lines(after?: number): FunctionLogLine[];
  /** Calls `listener` with every new line; returns the unsubscribe function. */
  subscribe(listener: (line: FunctionLogLine) => void): () => void;
}

/** A fresh function log. */
export function createFunctionLog(options: FunctionLogOptions = {}): FunctionLog {
  const capacity = options.capacity ?? 20_000;
  const clock = options.clock ?? Date.now;
  const kept: FunctionLogLine[] = [];
  const partial = new Map<string, string>();
  const listeners = new Set<(line: FunctionLogLine) => void>();
  let seq = 0;

  function add(edgeRegion: string, message: string): void {
    options.echo?.(message);
    const line: FunctionLogLine = {
      seq: ++seq,
      timestamp: clock(),
      edgeRegion,
      message,
      entry: parseObject(message),
    };
    kept.push(line);
    if (kept.length > capacity) kept.splice(0, kept.length - capacity);
    for (const listener of listeners) listener(line);
  }

  return {
    write(edgeRegion, text) {
      const pieces = `${partial.get(edgeRegion) ?? ''}${text}`.split('\n');
      partial.set(edgeRegion, pieces.pop() ?? '');
      for (const piece of pieces) if (piece.trim() !== '') add(edgeRegion, piece);
    },
    lines(after) {
      if (after === undefined) return [...kept];
      const first = kept.findIndex((line) => line.seq > after);
      return first < 0 ? [] : kept.slice(first);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function parseObject(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
