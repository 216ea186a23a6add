/**
 * The base of every error the scripts expect: a refusal or bad input, told to the operator as one
 * line and an exit code. Anything else that reaches a script's top is a bug or an infrastructure
 * failure (see `runCommand` in cli-io.ts).
 */

/**
 * An expected outcome that stops a command: the operation was refused (exit code 1) or the input
 * was bad (exit code 2, see {@link UsageError}). Printed without a stack, even with `DEBUG=1`.
 *
 * @example
 * throw new ExpectedError(`no tenant ${tenantId}`); // `error: no tenant acme`, exit 1
 */
export class ExpectedError extends Error {
  override readonly name: string = 'ExpectedError';
  /** The exit code of a command that stops on this error. */
  readonly exitCode: 1 | 2 | 130 = 1;
}

/** A bad command line or bad input: printed as one line on stderr, exit code 2, nothing written. */
export class UsageError extends ExpectedError {
  override readonly name: string = 'UsageError';
  override readonly exitCode = 2;
}

/**
 * Stopped by the operator (Ctrl-C) at a safe point: what was held is released and the message says
 * where it stopped and how to resume. Exit code 130, as for a shell command stopped by SIGINT.
 */
export class InterruptedError extends ExpectedError {
  override readonly name: string = 'InterruptedError';
  override readonly exitCode = 130;
}
