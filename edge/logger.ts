/**
 * Structured JSON log lines. In Lambda@Edge, stdout lands in CloudWatch Logs in the executing region.
 */

/** One structured log entry; `level` and `msg` are always present. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Where log entries go. Injected so tests and the local edge can capture them. */
export interface Logger {
  log(entry: LogEntry): void;
}

/** Writes one JSON line per entry to stdout. */
export const jsonLineLogger: Logger = {
  log(entry) {
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  },
};

/** Discards everything (benchmarks). */
export const silentLogger: Logger = { log() {} };
