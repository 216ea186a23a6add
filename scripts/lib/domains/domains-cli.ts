/**
 * The `domains` tool: customer domains onboarded with an ownership proof, a CloudFront
 * distribution tenant and a managed certificate (docs/custom-domains.md). Runs in-process (tests)
 * or from `scripts/domains.ts` (npm run domains).
 */
import { isHelpRequest, UsageError, writeHelp } from '../cli.ts';
import { type CliIO, runCommand } from '../cli-io.ts';
import type { TenantsCommand } from '../tenants/commands/command.ts';
import { addCommand, listCommand, removeCommand, statusCommand, verifyCommand } from './domain-commands.ts';
import { importCommand } from './import-command.ts';

/** Every subcommand, in help order. */
export const DOMAINS_COMMANDS: readonly TenantsCommand[] = [
  addCommand,
  verifyCommand,
  statusCommand,
  listCommand,
  removeCommand,
  importCommand,
];

/** The tool's top-level help. */
export const DOMAINS_USAGE = `Usage: npm run domains -- <command> [arguments] [options]

Customer domains: ownership proof (DNS TXT), the DOMAIN claim, a CloudFront distribution tenant
with a managed certificate; states pending-ownership -> pending-certificate -> active (failed with
a reason, removing). Every command takes --help, --json and the tenants tool's connection options.

Commands:
${DOMAINS_COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}
`;

/** Runs `domains <argv>`; returns the exit code (0 ok, 1 refused or not active, 2 bad input). */
export function runDomainsCli(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const [name, ...rest] = argv;
    const command = DOMAINS_COMMANDS.find((c) => c.name === name);
    if (command === undefined) {
      if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
        io.stdout.write(DOMAINS_USAGE);
        return name === undefined ? 2 : 0;
      }
      throw new UsageError(`domains: unknown command ${JSON.stringify(name)} (see --help)`);
    }
    if (isHelpRequest(rest)) return writeHelp(io.stdout, command.usage);
    return command.run(rest, io);
  });
}
