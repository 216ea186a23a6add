/**
 * `tenants check [--repair [--dry-run]]`: the table's invariants over a whole-table scan, and the
 * repairs that are safe to make.
 */
import { integerOption, parseArguments } from '../../cli.ts';
import { type CliIO, printJson } from '../../cli-io.ts';
import { createProgress } from '../../progress.ts';
import { type CheckReport, checkItems, type Finding } from '../table-check.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  type Connection,
  openConnection,
  operationContextOf,
} from '../table-connection.ts';
import { applyRepair, describeRepair, type RepairResult } from '../table-repair.ts';
import { scanTable } from '../table-scan.ts';
import type { TenantsCommand } from './command.ts';

const USAGE = `Usage: npm run tenants -- check [--repair [--dry-run]] [--read-rate N] [options]

Reads the whole table (a paginated, strongly consistent Scan at a bounded rate, with progress) and
reports every violation of its invariants: a domain or path prefix routing to a tenant that is
missing or does not list it, a listed domain nobody holds or another tenant holds, a pending claim,
migration or removal past its lease, a malformed item (named, with the field), a region referenced
but not declared. Operations holding a live lease are shown as in flight, not as violations.
Exit 1 when violations remain.

Options:
  --repair          fix what is safe to fix: prints the plan first, then makes each change
                    (re-verified right before its one conditional write, one audit entry each),
                    then checks again; what needs a person is listed with the command to run
  --dry-run         with --repair: print the plan and change nothing
  --read-rate N     most items read per second, 1-100000 (default 500)
${CONNECTION_HELP}`;

/** `tenants check`. */
export const checkCommand: TenantsCommand = {
  name: 'check',
  summary: "check the table's invariants (--repair fixes what is safe)",
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseArguments(
      {
        name: 'tenants check',
        usage: USAGE,
        options: {
          ...CONNECTION_OPTIONS,
          repair: { type: 'boolean' },
          'dry-run': { type: 'boolean' },
          'read-rate': { type: 'string' },
        },
      },
      argv,
    );
    const rate = integerOption(values['read-rate'], 'read-rate', 1, 100_000) ?? 500;
    const repair = values.repair === true;
    const dryRun = values['dry-run'] === true;
    const connection = await openConnection(values, io, { writes: repair && !dryRun });
    try {
      const first = await checkTable(connection, io, rate);
      if (!repair) return report(io, values.json === true, first, undefined);
      const repairs = first.findings.flatMap((f) => (f.repair === undefined ? [] : [f.repair]));
      if (!values.json) {
        io.stdout.write(`repair plan: ${repairs.length} change(s)\n`);
        for (const r of repairs) io.stdout.write(`  - ${describeRepair(r)}\n`);
      }
      if (dryRun || repairs.length === 0) {
        if (!values.json && dryRun) io.stdout.write('dry run: nothing changed\n');
        return report(io, values.json === true, first, dryRun ? undefined : []);
      }
      const ctx = operationContextOf(connection, io);
      const results: RepairResult[] = [];
      for (const r of repairs) results.push(await applyRepair(ctx, r));
      if (!values.json)
        for (const r of results)
          io.stdout.write(`  ${r.outcome}: ${describeRepair(r.repair)}: ${r.detail}\n`);
      return report(io, values.json === true, await checkTable(connection, io, rate), results);
    } finally {
      connection.close();
    }
  },
};

async function checkTable(connection: Connection, io: CliIO, rate: number): Promise<CheckReport> {
  const progress = createProgress({ label: 'check: items read', stream: io.stderr });
  const items = await scanTable(connection.table, {
    itemsPerSecond: rate,
    onProgress: (n, pages) => progress.update(n, `${pages} page(s)`),
  });
  progress.finish();
  return checkItems(items, { now: Date.now() });
}

/** Prints the report; exit 1 when violations remain. */
function report(
  io: CliIO,
  json: boolean,
  result: CheckReport,
  repairs: readonly RepairResult[] | undefined,
): number {
  const violations = result.findings.filter((f) => f.violation);
  const inFlight = result.findings.filter((f) => !f.violation);
  if (json) {
    printJson(io, {
      ...result.counts,
      violations: violations.map(findingToJson),
      inFlight: inFlight.map(findingToJson),
      ...(repairs === undefined ? {} : { repairs }),
    });
  } else {
    const { items, tenants, domains, audits } = result.counts;
    io.stdout.write(
      `checked ${items} item(s): ${tenants} tenant(s), ${domains} domain(s), ${audits} audit entries\n`,
    );
    for (const f of inFlight) io.stdout.write(`in flight  ${f.pk}: ${f.message}\n`);
    for (const f of violations) {
      io.stdout.write(
        `${f.repair === undefined ? 'needs a person' : 'repairable'}  ${f.kind}  ${f.pk}: ${f.message}\n`,
      );
    }
    io.stdout.write(`${violations.length} violation(s), ${inFlight.length} operation(s) in flight\n`);
  }
  return violations.length > 0 ? 1 : 0;
}

function findingToJson(f: Finding): Record<string, unknown> {
  return { kind: f.kind, pk: f.pk, message: f.message, repair: f.repair ?? null };
}
