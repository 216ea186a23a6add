/**
 * `tenants list`: tenants by region and status, one page at a time, from the `byRegion` index.
 */
import { integerOption, parseArguments } from '../../cli.ts';
import { printJson } from '../../cli-io.ts';
import { parseRegionInput, parseStatusInput, requireKnownRegion } from '../input-validation.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, openConnection } from '../table-connection.ts';
import { tenantListLine, tenantToJson } from '../tenant-format.ts';
import { allTenants, listTenantsPage } from '../tenant-listing.ts';
import type { TenantsCommand } from './command.ts';

const USAGE = `Usage: npm run tenants -- list [--home REGION] [--status STATUS] [--limit N] [--next TOKEN] [--all]

Lists tenants, ordered by region then tenant id, a page at a time (one Query of the byRegion index
per region; no Scan). Prints a --next token when more remain.

Options:
  --home REGION     only tenants living in REGION
  --status STATUS   only active, suspended or maintenance tenants
  --limit N         page size, 1-1000 (default 100)
  --next TOKEN      continue after the page that printed TOKEN
  --all             every page, streamed (JSON lines with --json)
${CONNECTION_HELP}`;

/** `tenants list`. */
export const listCommand: TenantsCommand = {
  name: 'list',
  summary: 'list tenants by region and status, paginated',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArguments(
      {
        name: 'tenants list',
        usage: USAGE,
        options: {
          ...CONNECTION_OPTIONS,
          home: { type: 'string' },
          status: { type: 'string' },
          limit: { type: 'string' },
          next: { type: 'string' },
          all: { type: 'boolean' },
        },
      },
      argv,
    );
    const region = values.home === undefined ? undefined : parseRegionInput(values.home);
    const status = values.status === undefined ? undefined : parseStatusInput(values.status);
    const limit = integerOption(values.limit, 'limit', 1, 1000) ?? 100;
    const connection = await openConnection(values, io);
    try {
      // Like add's: a region nobody declared is a mistake, not an empty page.
      if (region !== undefined) requireKnownRegion(region, await connection.table.getRegions());
      if (values.all) {
        let count = 0;
        for await (const tenant of allTenants(connection.table, { region, status, pageSize: limit })) {
          io.stdout.write(
            values.json
              ? `${JSON.stringify(tenantToJson(tenant.record))}\n`
              : `${tenantListLine(tenant.record)}\n`,
          );
          count++;
        }
        if (!values.json) io.stderr.write(`${count} tenants\n`);
        return 0;
      }
      const page = await listTenantsPage(connection.table, { region, status, limit, cursor: values.next });
      if (values.json) {
        printJson(io, { tenants: page.tenants.map((t) => tenantToJson(t.record)), next: page.next ?? null });
      } else {
        for (const t of page.tenants) io.stdout.write(`${tenantListLine(t.record)}\n`);
        if (page.next !== undefined) io.stdout.write(`-- more: --next ${page.next}\n`);
      }
      return 0;
    } finally {
      connection.close();
    }
  },
};
