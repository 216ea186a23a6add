/**
 * `tenants add-domain` and `remove-domain`.
 */
import { parseArguments, UsageError } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { claimKey } from '../claims.ts';
import { addDomain, removeDomain } from '../domain-claims.ts';
import { parseClaimInput, parseTenantIdInput } from '../input-validation.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  openConnection,
  operationContextOf,
  toolConfigOf,
} from '../table-connection.ts';
import { visibilityNote } from '../tenant-format.ts';
import type { TenantsCommand } from './command.ts';

function domainCommand(
  name: 'add-domain' | 'remove-domain',
  summary: string,
  detail: string,
): TenantsCommand {
  const usage = `Usage: npm run tenants -- ${name} <tenant> <host> [--path PREFIX] [options]

${detail}

Options:
  --path PREFIX     only this path prefix of <host> (/blog), for a host split between tenants;
                    also written <host>/<prefix>
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
          options: { ...CONNECTION_OPTIONS, path: { type: 'string' } },
        },
        argv,
      );
      if (positionals.length !== 2)
        throw new UsageError(`tenants ${name}: expected <tenant> <host> (see --help)`);
      const tenantId = parseTenantIdInput(positionals[0] as string);
      const tool = toolConfigOf(values, io);
      const claim = parseClaimInput(positionals[1] as string, tool.router, values.path);
      const host = claimKey(claim);
      const connection = await openConnection(values, io, { writes: true, tool });
      try {
        const ctx = operationContextOf(connection, io);
        const { change } =
          name === 'add-domain'
            ? await addDomain(ctx, tenantId, claim)
            : await removeDomain(ctx, tenantId, claim);
        if (values.json) printJson(io, { tenantId, host, change });
        else
          io.stdout.write(
            `${change}: ${host} ${name === 'add-domain' ? '->' : 'no longer ->'} ${tenantId}${change === 'unchanged' ? '' : `; ${visibilityNote(connection.config)}`}\n`,
          );
        return 0;
      } finally {
        connection.close();
      }
    },
  };
}

/** `tenants add-domain`. */
export const addDomainCommand = domainCommand(
  'add-domain',
  'claim a domain for a tenant (refused if another tenant holds it)',
  `Claims <host> (a host name or a one-level wildcard *.parent), or with --path one path prefix of a
host some tenant holds, for <tenant>. The claim is recorded on the tenant first, then the domain
item is written, then the claim is settled, so the tenant always lists what routes to it. A claim
another tenant holds is refused and nothing changes. Rerunning repairs a half-done add.`,
);

/** `tenants remove-domain`. */
export const removeDomainCommand = domainCommand(
  'remove-domain',
  "release a tenant's domain",
  `Releases <host> (or with --path one path prefix of it) from <tenant>: the domain stops routing
(within the cache TTL + replication lag) and leaves the tenant's list. A host that still routes
other tenants' path prefixes is refused, with their names, and nothing changes. Rerunning
repairs a half-done remove.`,
);
