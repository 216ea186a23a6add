/**
 * A one-line progress display on stderr: a bar when the total is known, a counter otherwise.
 * Silent when stderr is not a terminal (CI, pipes) unless forced, so logs stay clean.
 */
import type { TextSink } from './cli-io.ts';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Label before the bar. */
  readonly label: string;
  /** Total units of work, if known. */
  readonly total?: number;
  /** Where to draw (a terminal redraws one line; anything else gets a line per redraw). @default process.stderr */
  readonly stream?: TextSink;
  /** Draw even when the stream is not a TTY. @default false */
  readonly force?: boolean;
  /** Minimum ms between redraws. @default 100 */
  readonly intervalMs?: number;
}

/** A live progress line. */
export interface Progress {
  /** Sets the done count and an optional suffix (e.g. `3 failed`). */
  update(done: number, suffix?: string): void;
  /** Draws the final state and ends the line. */
  finish(suffix?: string): void;
}

/** Creates a progress line. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.force === true || stream.isTTY === true;
  const interval = options.intervalMs ?? 100;
  const started = Date.now();
  let last = 0;
  let done = 0;
  let suffix = '';
  const draw = (final: boolean) => {
    if (!enabled) return;
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    let line: string;
    if (options.total !== undefined && options.total > 0) {
      const ratio = Math.min(1, done / options.total);
      const width = 30;
      const filled = Math.round(ratio * width);
      line = `${options.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${options.total} ${(ratio * 100).toFixed(0)}% ${elapsed}s`;
    } else line = `${options.label} ${done} ${elapsed}s`;
    if (suffix) line += ` ${suffix}`;
    stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
    if (final && stream.isTTY) stream.write('\n');
  };
  return {
    update(n, s) {
      done = n;
      if (s !== undefined) suffix = s;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        draw(false);
      }
    },
    finish(s) {
      if (s !== undefined) suffix = s;
      draw(true);
    },
  };
}
