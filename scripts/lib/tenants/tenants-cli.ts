/**
 * The `tenants` admin tool: dispatches to its subcommands. Runs in-process (tests) or from
 * `scripts/tenants.ts` (npm run tenants).
 */
import { isHelpRequest, UsageError, writeHelp } from '../cli.ts';
import { type CliIO, runCommand } from '../cli-io.ts';
import { exportCommand, importCommand } from './commands/bulk-commands.ts';
import { checkCommand } from './commands/check-command.ts';
import type { TenantsCommand } from './commands/command.ts';
import { configCommand } from './commands/config-command.ts';
import { addDomainCommand, removeDomainCommand } from './commands/domain-commands.ts';
import { listCommand } from './commands/list-command.ts';
import { regionSetCommand, regionsCommand } from './commands/region-commands.ts';
import { resolveCommand } from './commands/resolve-command.ts';
import { originSecretCommand } from './commands/secret-commands.ts';
import { maintenanceCommand, resumeCommand, suspendCommand } from './commands/status-commands.ts';
import { addCommand, removeCommand, setCommand, showCommand } from './commands/tenant-commands.ts';

/** Every subcommand, in help order. */
export const TENANTS_COMMANDS: readonly TenantsCommand[] = [
  addCommand,
  showCommand,
  listCommand,
  resolveCommand,
  addDomainCommand,
  removeDomainCommand,
  setCommand,
  suspendCommand,
  resumeCommand,
  maintenanceCommand,
  removeCommand,
  regionSetCommand,
  regionsCommand,
  originSecretCommand,
  importCommand,
  exportCommand,
  checkCommand,
  configCommand,
];

/** The tool's top-level help. */
export const TENANTS_USAGE = `Usage: npm run tenants -- <command> [arguments] [options]

Tenant and region administration of the edge router's table. Every command takes --help, --json,
--config, --endpoint (or DYNAMODB_ENDPOINT), --region and --table.

Commands:
${TENANTS_COMMANDS.map((c) => `  ${c.name.padEnd(15)} ${c.summary}`).join('\n')}
`;

/** Runs `tenants <argv>`; returns the exit code (0 ok, 1 refused or failed, 2 bad input). */
export function runTenantsCli(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const [first, second] = argv;
    const name = first === 'region' ? `region ${second ?? ''}` : first;
    const command = TENANTS_COMMANDS.find((c) => c.name === name);
    const rest = argv.slice(first === 'region' ? 2 : 1);
    if (command === undefined) {
      if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
        io.stdout.write(TENANTS_USAGE);
        return first === undefined ? 2 : 0;
      }
      throw new UsageError(`tenants: unknown command ${JSON.stringify(name?.trim())} (see --help)`);
    }
    // Answered here for every subcommand, which then parses its arguments strictly.
    if (isHelpRequest(rest)) return writeHelp(io.stdout, command.usage);
    return command.run(rest, io);
  });
}
