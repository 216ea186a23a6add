/**
 * `tenants add`, `show`, `remove`: creating, inspecting and removing one tenant.
 */
import { parseArguments, UsageError } from '../../cli.ts';
import { type CliIO, printJson } from '../../cli-io.ts';
import { claimKey, claimOf } from '../claims.ts';
import { holderOf } from '../domain-claims.ts';
import {
  parseClaimInput,
  parseOriginInput,
  parseRegionInput,
  parseStatusInput,
  parseTenantIdInput,
} from '../input-validation.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  openConnection,
  operationContextOf,
  toolConfigOf,
} from '../table-connection.ts';
import { OperationRefusedError } from '../tenant-errors.ts';
import { describeTenant, tenantToJson, visibilityNote } from '../tenant-format.ts';
import { addTenant, changeTenantSettings } from '../tenant-lifecycle.ts';
import { removeTenant } from '../tenant-removal.ts';
import type { TenantsCommand } from './command.ts';

function onePositional(positionals: readonly string[], what: string, name: string): string {
  if (positionals.length !== 1) throw new UsageError(`tenants ${name}: expected ${what} (see --help)`);
  return positionals[0] as string;
}

const ADD_USAGE = `Usage: npm run tenants -- add <tenant> <home-region> [--domain HOST]... [options]

Adds a tenant living in <home-region> (a region declared with \`tenants region set\`). A domain
claimed by another tenant refuses the whole add and nothing is written. The tenant item is created
first with its domains pending, then they are claimed and settled, so it lists every domain that
routes to it at every moment. Rerunning the same add is safe: it completes a half-done add and
reports "unchanged" otherwise.

Options:
  --domain HOST     a custom domain or one-level wildcard (*.acme.example.net), or a path prefix of
                    a host another tenant holds (shop.example.com/blog); repeatable
  --origin URL      dedicated origin (https://acme.origin.example.com[:port][/path]), under the
                    configuration's allowed origin suffixes (default: the region's pool origin)
  --failover REGION region used when the home region is draining (default: the region's failover)
  --status STATUS   active (default), suspended or maintenance
${CONNECTION_HELP}`;

/** `tenants add`. */
export const addCommand: TenantsCommand = {
  name: 'add',
  summary: 'add a tenant with its home region, domains and optional dedicated origin',
  usage: ADD_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants add',
        usage: ADD_USAGE,
        allowPositionals: true,
        options: {
          ...CONNECTION_OPTIONS,
          domain: { type: 'string', multiple: true },
          origin: { type: 'string' },
          failover: { type: 'string' },
          status: { type: 'string' },
        },
      },
      argv,
    );
    if (positionals.length !== 2)
      throw new UsageError('tenants add: expected <tenant> <home-region> (see --help)');
    // What needs no configuration is checked before connecting: bad input writes nothing.
    const tenantId = parseTenantIdInput(positionals[0] as string);
    const region = parseRegionInput(positionals[1] as string);
    const status = values.status === undefined ? undefined : parseStatusInput(values.status);
    const failoverRegion = values.failover === undefined ? undefined : parseRegionInput(values.failover);
    const tool = toolConfigOf(values, io);
    const spec = {
      tenantId,
      region,
      domains: (values.domain ?? []).map((d) => claimKey(parseClaimInput(d, tool.router))),
      origin:
        values.origin === undefined
          ? undefined
          : parseOriginInput(values.origin, tool.router.allowedOriginSuffixes),
      failoverRegion,
      status,
    };
    const connection = await openConnection(values, io, { writes: true, tool });
    try {
      const ctx = operationContextOf(connection, io);
      const { outcome, tenant } = await addTenant(ctx, spec);
      if (values.json) printJson(io, { outcome, tenant: tenantToJson(tenant.record) });
      else
        io.stdout.write(
          `${outcome}: tenant ${spec.tenantId}\n${describeTenant(tenant.record)}${outcome === 'unchanged' ? '' : `${visibilityNote(connection.config)}\n`}`,
        );
      return 0;
    } finally {
      connection.close();
    }
  },
};

const SHOW_USAGE = `Usage: npm run tenants -- show <tenant> [options]

Prints a tenant: home region, status, domains, origin, failover, version and any migration.
${CONNECTION_HELP}`;

/** `tenants show`. */
export const showCommand: TenantsCommand = {
  name: 'show',
  summary: 'show a tenant',
  usage: SHOW_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      { name: 'tenants show', usage: SHOW_USAGE, allowPositionals: true, options: CONNECTION_OPTIONS },
      argv,
    );
    const tenantId = parseTenantIdInput(onePositional(positionals, '<tenant>', 'show'));
    const connection = await openConnection(values, io);
    try {
      const tenant = await connection.table.getTenant(tenantId);
      if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
      // Each listed domain against its DOMAIN item: shows what a cut-short add or remove left.
      const ctx = operationContextOf(connection, io);
      const claims = await Promise.all(
        (tenant.record.domains ?? []).map(async (host) => {
          const holder = await holderOf(ctx, claimOf(host));
          const claim =
            holder === tenantId ? 'ok' : holder === undefined ? 'not claimed' : `claimed by ${holder}`;
          return { host, claim };
        }),
      );
      if (values.json) printJson(io, { ...tenantToJson(tenant.record), domainClaims: claims });
      else {
        io.stdout.write(describeTenant(tenant.record));
        for (const c of claims.filter((x) => x.claim !== 'ok')) {
          io.stdout.write(
            `warning   domain ${c.host} is ${c.claim}; rerun add-domain or remove-domain to repair\n`,
          );
        }
      }
      return 0;
    } finally {
      connection.close();
    }
  },
};

const REMOVE_USAGE = `Usage: npm run tenants -- remove <tenant> [--dry-run] [options]

Marks the tenant for removal (one conditional write; refused while a migration is in progress,
and then nothing is changed), releases every claim it lists (path prefixes, then hosts), writes an
audit entry and deletes the tenant (conditional on its version). A host that still routes other
tenants' path prefixes stops the removal with their names. Rerun to finish a remove cut short.

Options:
  --dry-run         print what would be removed and change nothing
${CONNECTION_HELP}`;

/** `tenants remove`. */
export const removeCommand: TenantsCommand = {
  name: 'remove',
  summary: 'remove a tenant and release its domains',
  usage: REMOVE_USAGE,
  async run(argv, io: CliIO) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants remove',
        usage: REMOVE_USAGE,
        allowPositionals: true,
        options: { ...CONNECTION_OPTIONS, 'dry-run': { type: 'boolean' } },
      },
      argv,
    );
    const tenantId = parseTenantIdInput(onePositional(positionals, '<tenant>', 'remove'));
    const connection = await openConnection(values, io, { writes: values['dry-run'] !== true });
    try {
      if (values['dry-run']) {
        const tenant = await connection.table.getTenant(tenantId);
        if (tenant === undefined) throw new OperationRefusedError(`no tenant ${tenantId}`);
        const domains = tenant.record.domains ?? [];
        if (values.json) printJson(io, { dryRun: true, tenantId, domains });
        else
          io.stdout.write(
            `would remove tenant ${tenantId} and release ${domains.join(', ') || 'no domains'}\n`,
          );
        return 0;
      }
      const ctx = operationContextOf(connection, io);
      const { releasedDomains } = await removeTenant(ctx, tenantId);
      if (values.json) printJson(io, { removed: tenantId, releasedDomains });
      else
        io.stdout.write(
          `removed tenant ${tenantId}; released ${releasedDomains.join(', ') || 'no domains'}; ${visibilityNote(connection.config)}\n`,
        );
      return 0;
    } finally {
      connection.close();
    }
  },
};

const SET_USAGE = `Usage: npm run tenants -- set <tenant> [--origin URL|none] [--failover REGION|none] [options]

Sets or clears a tenant's dedicated origin (checked against the allowed origin suffixes) and its
failover region (used when its home region is draining), in one conditional write with an audit
entry. Home region changes go through \`npm run migrate\`.

Options:
  --origin URL|none     dedicated origin, or none for the region's pool origin
  --failover R|none     failover region, or none for the region's own failover
${CONNECTION_HELP}`;

/** `tenants set`. */
export const setCommand: TenantsCommand = {
  name: 'set',
  summary: "set or clear a tenant's dedicated origin and failover region",
  usage: SET_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants set',
        usage: SET_USAGE,
        allowPositionals: true,
        options: { ...CONNECTION_OPTIONS, origin: { type: 'string' }, failover: { type: 'string' } },
      },
      argv,
    );
    const tenantId = parseTenantIdInput(onePositional(positionals, '<tenant>', 'set'));
    if (values.origin === undefined && values.failover === undefined) {
      throw new UsageError('tenants set: give --origin and/or --failover (see --help)');
    }
    const tool = toolConfigOf(values, io);
    const origin =
      values.origin === undefined
        ? undefined
        : values.origin === 'none'
          ? null
          : parseOriginInput(values.origin, tool.router.allowedOriginSuffixes);
    const failoverRegion =
      values.failover === undefined
        ? undefined
        : values.failover === 'none'
          ? null
          : parseRegionInput(values.failover);
    const connection = await openConnection(values, io, { writes: true, tool });
    try {
      const { config } = connection;
      const ctx = operationContextOf(connection, io);
      const { changed, tenant } = await changeTenantSettings(ctx, tenantId, { origin, failoverRegion });
      if (values.json) printJson(io, { changed, tenant: tenantToJson(tenant.record) });
      else
        io.stdout.write(
          `${changed ? 'changed' : 'unchanged'}: tenant ${tenantId}\n${describeTenant(tenant.record)}${changed ? `${visibilityNote(config)}\n` : ''}`,
        );
      return 0;
    } finally {
      connection.close();
    }
  },
};
