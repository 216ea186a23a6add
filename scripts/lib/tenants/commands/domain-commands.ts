/**
 * `tenants add-domain` and `remove-domain`.
 */
import { parseArguments, UsageError } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { addDomain, removeDomain } from '../domain-claims.ts';
import { parseDomainInput, parseTenantIdInput } from '../input-validation.ts';
import { currentActor } from '../operation-context.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, openConnection } from '../table-connection.ts';
import type { TenantsCommand } from './command.ts';

function domainCommand(
  name: 'add-domain' | 'remove-domain',
  summary: string,
  detail: string,
): TenantsCommand {
  const usage = `Usage: npm run tenants -- ${name} <tenant> <host> [options]

${detail}
${CONNECTION_HELP}`;
  return {
    name,
    summary,
    usage,
    async run(argv, io) {
      const { values, positionals } = parseArguments(
        { name: `tenants ${name}`, usage, allowPositionals: true, options: CONNECTION_OPTIONS },
        argv,
      );
      if (positionals.length !== 2)
        throw new UsageError(`tenants ${name}: expected <tenant> <host> (see --help)`);
      const connection = await openConnection(values, io);
      try {
        const tenantId = parseTenantIdInput(positionals[0] as string);
        const host = parseDomainInput(positionals[1] as string, connection.config);
        const ctx = { table: connection.table, config: connection.config, actor: currentActor() };
        const { change } =
          name === 'add-domain'
            ? await addDomain(ctx, tenantId, host)
            : await removeDomain(ctx, tenantId, host);
        if (values.json) printJson(io, { tenantId, host, change });
        else
          io.stdout.write(
            `${change}: ${host} ${name === 'add-domain' ? '->' : 'no longer ->'} ${tenantId}\n`,
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
  `Claims <host> (a host name or a one-level wildcard *.parent) for <tenant>. A host already claimed
by another tenant is refused and nothing is written. Rerunning repairs a half-done add.`,
);

/** `tenants remove-domain`. */
export const removeDomainCommand = domainCommand(
  'remove-domain',
  "release a tenant's domain",
  `Releases <host> from <tenant>: the domain stops routing at once (after the cache TTL), then it is
dropped from the tenant's domain list. Rerunning repairs a half-done remove.`,
);
