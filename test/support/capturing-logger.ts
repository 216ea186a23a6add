/**
 * A {@link Logger} that keeps entries in memory, for asserting what was logged.
 */
import type { LogEntry, Logger } from '../../edge/logger.ts';

/** A logger plus the entries it received. */
export interface CapturingLogger extends Logger {
  readonly entries: LogEntry[];
  /** Entries of one level. */
  at(level: LogEntry['level']): LogEntry[];
}

/** A fresh capturing logger. */
export function capturingLogger(): CapturingLogger {
  const entries: LogEntry[] = [];
  return {
    entries,
    log(entry) {
      entries.push(entry);
    },
    at: (level) => entries.filter((e) => e.level === level),
  };
}
