/**
 * Command-line plumbing shared by the scripts: strict argument parsing, `--help` as a result the
 * caller prints, option parsers whose errors name the option, and the top of a script's process.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type CliIO, processIO, runCommand, type TextSink } from './cli-io.ts';
import { UsageError } from './errors.ts';

// The scripts' parse errors are UsageErrors: importing both from here keeps one import per script.
export { UsageError } from './errors.ts';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Options of the node:util parseArgs config, with a usage text for `--help`. */
export interface CommandSpec<O extends OptionsConfig> {
  /** Program name shown in errors, e.g. `tenants add`. */
  readonly name: string;
  /** Full help text printed by `--help`. */
  readonly usage: string;
  readonly options: O;
  /** @default false */
  readonly allowPositionals?: boolean;
}

/** The values and positionals of a strictly parsed command line. */
export type ParsedArguments<O extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>
>;

/** `--help` was asked for: the caller prints {@link HelpRequest.text} ({@link writeHelp}) and exits 0. */
export interface HelpRequest {
  readonly kind: 'help';
  readonly text: string;
}

/** What {@link parseCommandLine} found: a help request, or arguments to run with. */
export type CommandLine<O extends OptionsConfig> =
  | HelpRequest
  | ({ readonly kind: 'run' } & ParsedArguments<O>);

/** Whether `--help` / `-h` is among the arguments. */
export function isHelpRequest(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Parses `argv` strictly, for callers that answered `--help` themselves. Throws
 * {@link UsageError} on an unknown option, a missing value or an unexpected positional.
 */
export function parseArguments<O extends OptionsConfig>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): ParsedArguments<O> {
  try {
    return parseArgs({
      args: [...argv],
      options: spec.options,
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${spec.name}: ${oneLine(error)} (see --help)`);
  }
}

/**
 * Parses `argv`: a {@link HelpRequest} on `--help` / `-h`, else the strictly parsed arguments.
 * Throws {@link UsageError} on a bad command line.
 *
 * @example
 * const line = parseCommandLine({ name: 'build', usage: USAGE, options }, argv);
 * if (line.kind === 'help') return writeHelp(process.stdout, line.text);
 * const { values } = line;
 */
export function parseCommandLine<O extends OptionsConfig>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): CommandLine<O> {
  if (isHelpRequest(argv)) return { kind: 'help', text: spec.usage };
  return { kind: 'run', ...parseArguments(spec, argv) };
}

/** Prints a help text and returns the exit code of a help request, 0. */
export function writeHelp(sink: TextSink, text: string): 0 {
  sink.write(`${text.trim()}\n`);
  return 0;
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
 * Runs a script's main function as the process: its number (else 0) becomes the exit code, and a
 * thrown error is reported by {@link runCommand}'s policy (one line, exit 1 or 2).
 */
export function runMain(main: () => Promise<unknown>, io: CliIO = processIO): void {
  void runCommand(io, async () => {
    const code = await main();
    return typeof code === 'number' ? code : 0;
  }).then((code) => {
    process.exitCode = code;
  });
}

/**
 * An abort signal for the operator's Ctrl-C: the first SIGINT asks the command to stop at its next
 * safe point (release what it holds, say where it stopped); a second one exits at once (130).
 */
export function interruptOnSigint(stderr: TextSink = process.stderr): AbortSignal {
  const controller = new AbortController();
  let first = 0;
  process.on('SIGINT', () => {
    // One Ctrl-C reaches us twice under `npm run` (the terminal's, and tsx relaying it): only a
    // second press, a moment later, means "exit now".
    if (controller.signal.aborted) {
      if (Date.now() - first > 1000) process.exit(130);
      return;
    }
    first = Date.now();
    stderr.write('\ninterrupted: stopping at the next safe point (Ctrl-C again to exit at once)\n');
    controller.abort();
  });
  return controller.signal;
}

/**
 * parseArgs' message on one line: its later lines say how to fix it (a value starting with `-`
 * goes as `--request-id=-XYZ`, and CloudFront request ids can start with one).
 */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
