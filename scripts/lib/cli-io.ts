/**
 * Where a command-line tool writes and what it reads from its environment, injected so the tools
 * run in-process in tests; and the one policy turning an error into a line and an exit code.
 */
import { createInterface } from 'node:readline/promises';
import { ExpectedError } from './errors.ts';
import type { AwsClients } from './table-client.ts';

/** A writable text sink (process.stdout or a test buffer). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The process surroundings of a command. */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: NodeJS.ProcessEnv;
  /** Asks a person a yes/no question; undefined when nobody can answer (no terminal). */
  readonly confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** The AWS clients; tests pass stand-ins. @default the SDK's (`SDK_AWS_CLIENTS`) */
  readonly aws?: AwsClients | undefined;
  /** Aborted when the operator asks the command to stop (Ctrl-C, see `interruptOnSigint`). */
  readonly signal?: AbortSignal | undefined;
}

/** A yes/no question on the terminal, when stdin and stderr are one. */
async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The real process streams and environment. */
export const processIO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  confirm: process.stdin.isTTY && process.stderr.isTTY ? askOnTerminal : undefined,
};

/**
 * The exit code of an error that stopped a command: an {@link ExpectedError}'s own (1 refused,
 * 2 bad input), 1 for anything else.
 */
export function exitCodeFor(error: unknown): number {
  return error instanceof ExpectedError ? error.exitCode : 1;
}

/**
 * Reports an error that stopped a command: `error: <first line>` on stderr, plus the stack under
 * `DEBUG=1` when it is not an {@link ExpectedError} (a bug or an infrastructure failure).
 * Returns the exit code.
 */
export function reportFailure(io: CliIO, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (!(error instanceof ExpectedError) && io.env.DEBUG && error instanceof Error) {
    io.stderr.write(`${error.stack ?? ''}\n`);
  }
  return exitCodeFor(error);
}

/** Runs a command body; an error it throws is reported by {@link reportFailure}. */
export async function runCommand(io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    return reportFailure(io, error);
  }
}

/** Writes a value as one JSON document on stdout. */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
