/**
 * `tenants region set` and `tenants regions`: the `REGIONS` item.
 */
import type { RegionStatus } from '../../../../edge/model.ts';
import { parseArguments, UsageError } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { parseCustomOriginInput, parseRegionInput } from '../input-validation.ts';
import { setRegion } from '../region-settings.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  openConnection,
  operationContextOf,
  toolConfigOf,
} from '../table-connection.ts';
import { InvalidInputError } from '../tenant-errors.ts';
import { describeRegions, malformedRegionsToJson, regionToJson, visibilityNote } from '../tenant-format.ts';
import type { TenantsCommand } from './command.ts';

const SET_USAGE = `Usage: npm run tenants -- region set <region> [options]

Declares a region or changes it, in one conditional write of the REGIONS item.

Options:
  --origin URL        the region's shared pool origin (required for a new region), under the
                      configuration's allowed origin suffixes
  --status STATUS     active, or draining: every tenant of the region is routed to its failover
                      region at the edge at once (within the cache TTL)
  --failover REGION   the region's failover region, or "none"
  --health-url URL    URL probed by migration preflight before tenants move here, or "none"
${CONNECTION_HELP}`;

function regionStatusOption(value: string | undefined): RegionStatus | undefined {
  if (value === undefined || value === 'active' || value === 'draining') return value;
  throw new InvalidInputError(`--status must be active or draining, got ${JSON.stringify(value)}`);
}

/** `tenants region set`. */
export const regionSetCommand: TenantsCommand = {
  name: 'region set',
  summary: "set a region's pool origin, status (active/draining), failover region, health URL",
  usage: SET_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArguments(
      {
        name: 'tenants region set',
        usage: SET_USAGE,
        allowPositionals: true,
        options: {
          ...CONNECTION_OPTIONS,
          origin: { type: 'string' },
          status: { type: 'string' },
          failover: { type: 'string' },
          'health-url': { type: 'string' },
        },
      },
      argv,
    );
    if (positionals.length !== 1) throw new UsageError('tenants region set: expected <region> (see --help)');
    const status = regionStatusOption(values.status);
    const region = parseRegionInput(positionals[0] as string);
    const failover =
      values.failover === undefined
        ? undefined
        : values.failover === 'none'
          ? null
          : parseRegionInput(values.failover);
    const healthUrl = values['health-url'] === 'none' ? null : values['health-url'];
    const tool = toolConfigOf(values, io);
    const origin =
      values.origin === undefined
        ? undefined
        : parseCustomOriginInput(values.origin, tool.router.allowedOriginSuffixes);
    const connection = await openConnection(values, io, { writes: true, tool });
    try {
      const { config } = connection;
      const ctx = operationContextOf(connection, io);
      const result = await setRegion(ctx, region, { origin, status, failover, healthUrl });
      if (values.json) printJson(io, { created: result.created, ...regionToJson(region, result.record) });
      else
        io.stdout.write(
          `${result.created ? 'created' : 'updated'}: ${describeRegions(result.regions)}${visibilityNote(config)}\n`,
        );
      return 0;
    } finally {
      connection.close();
    }
  },
};

const LIST_USAGE = `Usage: npm run tenants -- regions [options]

Lists the declared regions: pool origin, status, failover region and health URL.
${CONNECTION_HELP}`;

/** `tenants regions`. */
export const regionsCommand: TenantsCommand = {
  name: 'regions',
  summary: 'list the regions',
  usage: LIST_USAGE,
  async run(argv, io) {
    const { values } = parseArguments(
      { name: 'tenants regions', usage: LIST_USAGE, options: CONNECTION_OPTIONS },
      argv,
    );
    const connection = await openConnection(values, io);
    try {
      const regions = await connection.table.getRegions();
      if (values.json) {
        printJson(io, {
          version: regions?.version ?? 0,
          regions: [...(regions?.regions ?? [])].map(([name, r]) => regionToJson(name, r)),
          malformed: malformedRegionsToJson(regions),
        });
      } else io.stdout.write(describeRegions(regions));
      return 0;
    } finally {
      connection.close();
    }
  },
};
