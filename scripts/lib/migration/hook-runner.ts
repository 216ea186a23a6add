/**
 * Runs the migration hook: a shell command given the tenant, regions and phase in its
 * environment (`ETR_TENANT`, `ETR_FROM`, `ETR_TO`, `ETR_PHASE`, `ETR_MIGRATION_ID`). Its output
 * goes to our stderr; a non-zero exit or a signal is a {@link HookFailedError}.
 */
import { spawn } from 'node:child_process';
import { HookFailedError } from './migration-errors.ts';
import type { HookEnvironment } from './migration-machine.ts';

/** Options of {@link createHookRunner}. */
export interface HookRunnerOptions {
  /** Where the hook's stdout and stderr are copied. @default process.stderr */
  readonly output?: { write(chunk: string | Buffer): unknown };
  /** Base environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Creates the hook runner of the migration effects. */
export function createHookRunner(options: HookRunnerOptions = {}) {
  const output = options.output ?? process.stderr;
  return (command: string, hook: HookEnvironment): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        stdio: ['ignore', 'pipe', 'pipe'],
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
      child.on('error', (error) => reject(new HookFailedError(`hook could not start: ${error.message}`)));
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new HookFailedError(
              `hook ${JSON.stringify(command)} (phase ${hook.phase}) failed: ${signal === null ? `exit code ${code}` : `signal ${signal}`}`,
            ),
          );
      });
    });
}
