/**
 * `tenants suspend`, `resume` and `maintenance on|off`: one conditional write and an audit entry.
 */

import { propagationWaitMs } from '../../../../edge/config.ts';
import { parseArguments, UsageError } from '../../cli.ts';
import { type CliIO, printJson } from '../../cli-io.ts';
import { parseTenantIdInput } from '../input-validation.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  type ConnectionValues,
  openConnection,
  operationContextOf,
} from '../table-connection.ts';
import { tenantToJson, visibilityNote } from '../tenant-format.ts';
import { changeTenantStatus, type StatusCommand } from '../tenant-lifecycle.ts';
import type { TenantsCommand } from './command.ts';

async function runStatusChange(
  io: CliIO,
  values: { json?: boolean | undefined; reason?: string | undefined } & ConnectionValues,
  tenantText: string,
  command: StatusCommand,
): Promise<number> {
  const tenantId = parseTenantIdInput(tenantText);
  const connection = await openConnection(values, io, { writes: true });
  try {
    const ctx = operationContextOf(connection, io);
    const { changed, tenant } = await changeTenantStatus(ctx, tenantId, command, values.reason);
    const visibleWithinMs = changed ? propagationWaitMs(connection.config) : 0;
    if (values.json) printJson(io, { changed, tenant: tenantToJson(tenant.record), visibleWithinMs });
    else
      io.stdout.write(
        `${changed ? 'changed' : 'unchanged'}: tenant ${tenantId} is ${tenant.record.status}${changed ? `; ${visibilityNote(connection.config)}` : ''}\n`,
      );
    return 0;
  } finally {
    connection.close();
  }
}

function simpleStatusCommand(name: 'suspend' | 'resume', summary: string, detail: string): TenantsCommand {
  const usage = `Usage: npm run tenants -- ${name} <tenant> [--reason TEXT] [options]

${detail}

Options:
  --reason TEXT     recorded in the audit entry
${CONNECTION_HELP}`;
  return {
    name,
    summary,
    usage,
    async run(argv, io) {
      const { values, positionals } = parseArguments(
        {
          name: `tenants ${name}`,
          usage,
          allowPositionals: true,
          options: { ...CONNECTION_OPTIONS, reason: { type: 'string' } },
        },
        argv,
      );
      if (positionals.length !== 1) throw new UsageError(`tenants ${name}: expected <tenant> (see --help)`);
      return runStatusChange(io, values, positionals[0] as string, name);
    },
  };
}

/** `tenants suspend`. */
export const suspendCommand = simpleStatusCommand(
  'suspend',
  'suspend a tenant (viewers get 403)',
  'Suspends a tenant: every domain of it answers 403 once caches expire. Allowed during a migration.',
);

/** `tenants resume`. */
export const resumeCommand = simpleStatusCommand(
  'resume',
  'resume a suspended tenant',
  'Returns a suspended tenant to active.',
);

const MAINTENANCE_USAGE = `Usage: npm run tenants -- maintenance <tenant> on|off [--reason TEXT] [options]

Puts a tenant in maintenance (viewers get 503 with Retry-After) or back to active. Refused while a
migration is in progress (a migration with --freeze manages maintenance itself).

Options:
  --reason TEXT     recorded in the audit entry
${CONNECTION_HELP}`;

/** `tenants maintenance on|off`. */
export const maintenanceCommand: TenantsCommand = {
  name: 'maintenance',
  summary: 'maintenance on|off (viewers get 503 + Retry-After)',
  usage: MAINTENANCE_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants maintenance',
        usage: MAINTENANCE_USAGE,
        allowPositionals: true,
        options: { ...CONNECTION_OPTIONS, reason: { type: 'string' } },
      },
      argv,
    );
    const [tenant, mode] = positionals;
    if (positionals.length !== 2 || (mode !== 'on' && mode !== 'off')) {
      throw new UsageError('tenants maintenance: expected <tenant> on|off (see --help)');
    }
    return runStatusChange(
      io,
      values,
      tenant as string,
      mode === 'on' ? 'maintenance-on' : 'maintenance-off',
    );
  },
};
