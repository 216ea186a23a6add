/**
 * The human progress display of a migration on stderr: one line per step, a bar for each wait.
 */

import type { TextSink } from '../cli-io.ts';
import { createProgress, type Progress } from '../progress.ts';
import type { MigrationEvent } from './migration-effects.ts';

/** Creates the event sink of a migration; `prefix` tags lines (the tenant, during evacuations). */
export function createMigrationDisplay(stream: TextSink, prefix = ''): (event: MigrationEvent) => void {
  let wait: { label: string; progress: Progress; totalS: number } | undefined;
  const endWait = () => {
    wait?.progress.finish();
    wait = undefined;
  };
  return (event) => {
    if (event.type === 'wait') {
      if (wait?.label !== event.label) {
        endWait();
        if (event.remainingMs <= 0) return;
        const totalS = Math.ceil(event.totalMs / 1000);
        stream.write(
          `${prefix}  ${event.label}: ${(event.remainingMs / 1000).toFixed(1)}s left of ${(event.totalMs / 1000).toFixed(1)}s\n`,
        );
        wait = {
          label: event.label,
          totalS,
          progress: createProgress({
            label: `${prefix}  wait`,
            total: totalS,
            stream,
          }),
        };
      }
      wait.progress.update(Math.max(0, wait.totalS - Math.ceil(event.remainingMs / 1000)));
      if (event.remainingMs <= 0) endWait();
      return;
    }
    endWait();
    stream.write(
      event.type === 'step' ? `${prefix}[${event.step}] ${event.message}\n` : `${prefix}  ${event.message}\n`,
    );
  };
}
