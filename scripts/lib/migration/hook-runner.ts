/**
 * Runs the migration hook: a shell command given the tenant, regions and phase in its
 * environment (`ETR_TENANT`, `ETR_FROM`, `ETR_TO`, `ETR_PHASE`, `ETR_MIGRATION_ID`). Its output
 * goes to our stderr; a non-zero exit or a signal is a {@link HookFailedError}.
 */
import { spawn } from 'node:child_process';
import type { HookEnvironment } from './migration-effects.ts';
import { HookFailedError } from './migration-errors.ts';

/** Options of {@link createHookRunner}. */
export interface HookRunnerOptions {
  /** Where the hook's stdout and stderr are copied. @default process.stderr */
  readonly output?: { write(chunk: string | Buffer): unknown };
  /** Base environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** A hook still running after this long is killed (SIGTERM) and fails. @default 1800000 */
  readonly timeoutMs?: number;
  /** The operator's stop: a running hook is killed (SIGTERM to its group) and fails. */
  readonly signal?: AbortSignal | undefined;
}

/** Creates the hook runner of the migration effects. */
export function createHookRunner(options: HookRunnerOptions = {}) {
  const output = options.output ?? process.stderr;
  return (command: string, hook: HookEnvironment): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a timeout kills the hook's children too, not only the shell.
        detached: true,
        env: {
          ...(options.env ?? process.env),
          ETR_TENANT: hook.tenantId,
          ETR_FROM: hook.from,
          ETR_TO: hook.to,
          ETR_PHASE: hook.phase,
          ETR_MIGRATION_ID: hook.migrationId,
        },
      });
      child.stdout.on('data', (chunk: Buffer) => output.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.write(chunk));
      // A hung hook would otherwise hold the migration (its lease is renewed while it runs) forever.
      let timedOut = false;
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs ?? 1_800_000);
      // Its own process group does not get the terminal's Ctrl-C: pass the stop on.
      options.signal?.addEventListener('abort', killGroup, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new HookFailedError(`hook could not start: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut)
          reject(new HookFailedError(`hook ${JSON.stringify(command)} (phase ${hook.phase}) timed out`));
        else if (code === 0) resolve();
        else
          reject(
            new HookFailedError(
              `hook ${JSON.stringify(command)} (phase ${hook.phase}) failed: ${signal === null ? `exit code ${code}` : `signal ${signal}`}`,
            ),
          );
      });
    });
}
