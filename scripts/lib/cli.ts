/**
 * Command-line plumbing shared by the scripts: strict argument parsing, one-line errors with a
 * non-zero exit, `--help`.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad command line: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Options of the node:util parseArgs config, with a usage text for `--help`. */
export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** Program name shown in errors, e.g. `tenants add`. */
  readonly name: string;
  /** Full help text printed by `--help`. */
  readonly usage: string;
  readonly options: O;
  /** @default false */
  readonly allowPositionals?: boolean;
}

/**
 * Parses `argv` strictly. Prints usage and exits 0 on `--help`; throws {@link UsageError} on an
 * unknown option or a missing value.
 */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${spec.usage.trim()}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({
      args: [...argv],
      options: spec.options,
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${spec.name}: ${(error as Error).message.split('\n')[0]} (see --help)`);
  }
}

/** Parses a whole number option, throwing {@link UsageError} with the option's name. */
export function integerOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Parses a number option, throwing {@link UsageError} with the option's name. */
export function numberOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Runs a script's main function: a {@link UsageError} or any other error becomes one line on
 * stderr and a non-zero exit (2 for usage, 1 otherwise); `DEBUG=1` prints the stack.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().then(
    (code) => {
      process.exitCode = typeof code === 'number' ? code : 0;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`error: ${message.split('\n')[0]}\n`);
      if (process.env.DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
