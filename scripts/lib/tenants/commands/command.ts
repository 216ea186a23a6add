/**
 * The shape of one `tenants` subcommand.
 */
import type { CliIO } from '../../cli-io.ts';

/** One subcommand of the admin tool. */
export interface TenantsCommand {
  /** The word(s) after `tenants`, e.g. `add-domain`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly usage: string;
  /** Runs with the arguments after the name; returns the exit code (errors are thrown). */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
