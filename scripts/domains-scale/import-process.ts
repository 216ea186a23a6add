/**
 * `npm run domains -- import` as a child process of a scale run, so it can be SIGKILLed part-way
 * like an operator's terminal dying, and its `--json` summary read when it finishes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DOMAINS_ENTRY = fileURLToPath(new URL('../domains.ts', import.meta.url));

/** How an import process ended. */
export interface ImportExit {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The last part of stderr (the progress bar and any error). */
  readonly stderrTail: string;
}

/** A running import. */
export interface ImportProcess {
  readonly exited: Promise<ImportExit>;
  /** SIGKILL: no handler runs, whatever was in flight is cut short. */
  kill(): void;
}

/** Starts `domains import <file> ...argv` with `env`. */
export function startImport(file: string, argv: readonly string[], env: NodeJS.ProcessEnv): ImportProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', DOMAINS_ENTRY, 'import', file, ...argv], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<ImportExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderrTail: stderr }));
  });
  return { exited, kill: () => child.kill('SIGKILL') };
}
