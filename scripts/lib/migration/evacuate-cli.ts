/**
 * `npm run evacuate -- --from <region> [--to <region>]`: migrate every tenant out of a region.
 */
import type { TenantId } from '../../../edge/model.ts';
import { integerOption, type ParsedArguments, parseCommandLine, UsageError, writeHelp } from '../cli.ts';
import { type CliIO, printJson, runCommand } from '../cli-io.ts';
import { InterruptedError } from '../errors.ts';
import { createProgress, type Progress } from '../progress.ts';
import { parseRegionInput } from '../tenants/input-validation.ts';
import { currentActor } from '../tenants/operation-context.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  type Connection,
  openConnection,
} from '../tenants/table-connection.ts';
import {
  type EvacuationDependencies,
  type EvacuationRequest,
  type EvacuationSummary,
  evacuateRegion,
} from './evacuation.ts';
import type { MigrationEffects, MigrationStep } from './migration-effects.ts';
import { createMigrationEffects, processOwner } from './migration-wiring.ts';
import { propagationBoundsOf } from './propagation-wait.ts';
import { type ReplicaReaders, replicaReadersOf } from './replica-readers.ts';

/** The tool's help. */
export const EVACUATE_USAGE = `Usage: npm run evacuate -- --from <region> [--to <region>] [options]

Migrates every tenant living in <region>, each with the same state machine as \`migrate\` (preflight,
hook, optional freeze, switch, propagation wait, finalize), to --to or else to the tenant's failover
region, else the region's failover region. Tenants without a target, or not active, are skipped.
Prints a summary of done / failed / skipped; exits 1 if any failed. Rerun to resume after a crash:
tenants already moved are done, migrations cut short are resumed (after their lease, or --takeover).

Two levers to get traffic out of a region:
  tenants region set <region> --status draining   instant (within the cache TTL): the edge sends
        every tenant of the region to its failover region; the table is not changed per tenant
  evacuate --from <region>                         tenant by tenant, controlled and verified: each
        tenant's home region really changes, with hooks and waits

Options:
  --from REGION       region to empty
  --to REGION         one target for every tenant
  --concurrency N     migrations in flight, 1-64 (default 4)
  --dry-run           print each tenant's target and change nothing
  --freeze            migrate with --freeze (maintenance around each switch)
  --hook CMD          the migration hook (see migrate --help)
  --hook-timeout S    kill a hook still running after S seconds (default 1800)
  --takeover          resume migrations whose lease another (dead) process still holds
  --lease-seconds N   lease of each migration, 5-3600 (default 30)
  --local-edge URL    a running local edge's control API (default $LOCAL_EDGE_CONTROL): each
                      migration's propagation waits read every one of its replicas (see migrate)
${CONNECTION_HELP}`;

/** Options of {@link runEvacuateCli} for in-process tests. */
export interface EvacuateCliOptions {
  readonly afterStep?: (tenantId: string, step: MigrationStep) => void | Promise<void>;
  readonly sleep?: (ms: number) => Promise<void>;
}

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  freeze: { type: 'boolean' },
  hook: { type: 'string' },
  'hook-timeout': { type: 'string' },
  takeover: { type: 'boolean' },
  'lease-seconds': { type: 'string' },
  'local-edge': { type: 'string' },
} as const;

type EvacuateValues = ParsedArguments<typeof OPTIONS>['values'];

/** What a command line asks for: the evacuation (all but the configuration's wait) and the hook timeout. */
interface EvacuateArguments {
  readonly request: Omit<EvacuationRequest, 'propagationWaitMs'>;
  readonly hookTimeoutMs: number;
}

function evacuateArguments(values: EvacuateValues): EvacuateArguments {
  if (values.from === undefined) throw new UsageError('evacuate: --from <region> is required (see --help)');
  const from = parseRegionInput(values.from);
  const to = values.to === undefined ? undefined : parseRegionInput(values.to);
  const concurrency = integerOption(values.concurrency, 'concurrency', 1, 64) ?? 4;
  const leaseMs = (integerOption(values['lease-seconds'], 'lease-seconds', 5, 3600) ?? 30) * 1000;
  const hookTimeoutMs = (integerOption(values['hook-timeout'], 'hook-timeout', 1, 86_400) ?? 1800) * 1000;
  const actor = currentActor();
  const request = {
    from,
    to,
    concurrency,
    dryRun: values['dry-run'] === true,
    freeze: values.freeze === true,
    hook: values.hook,
    takeover: values.takeover === true,
    owner: processOwner(actor),
    actor,
    leaseMs,
  };
  return { request, hookTimeoutMs };
}

/** Wires each tenant's migration effects and the progress display. */
function dependenciesOf(
  args: EvacuateArguments,
  connection: Connection,
  io: CliIO,
  values: EvacuateValues,
  options: EvacuateCliOptions,
  replicas: ReplicaReaders,
): EvacuationDependencies & { finish(): void } {
  const { from } = args.request;
  const counts = { done: 0, failed: 0, skipped: 0 };
  let progress: Progress | undefined;
  return {
    table: connection.table,
    effectsFor: (tenantId: TenantId): MigrationEffects => {
      const effects = createMigrationEffects({
        table: connection.table,
        io,
        replicaVersions: replicas.read,
        replicaNote: replicas.note,
        hookTimeoutMs: args.hookTimeoutMs,
        onEvent: () => {},
        signal: io.signal,
        afterStep:
          options.afterStep === undefined ? undefined : (step) => options.afterStep?.(tenantId, step),
      });
      return options.sleep === undefined ? effects : { ...effects, sleep: options.sleep };
    },
    onStart: (total) => {
      if (!values.json) io.stderr.write(`evacuating ${from}: ${total} tenant(s)\n`);
      progress = createProgress({ label: `evacuate ${from}`, total, stream: io.stderr });
    },
    onResult: (result, done) => {
      if (result.outcome !== 'planned') counts[result.outcome]++;
      if (!values.json && (result.outcome === 'failed' || result.outcome === 'skipped')) {
        io.stderr.write(`\n${result.outcome}: ${result.tenantId}: ${result.reason ?? ''}\n`);
      }
      progress?.update(done, `${counts.done} done, ${counts.failed} failed, ${counts.skipped} skipped`);
    },
    finish: () => progress?.finish(),
  };
}

function printSummary(io: CliIO, values: EvacuateValues, summary: EvacuationSummary): void {
  if (values.json) {
    printJson(io, summary);
    return;
  }
  if (values['dry-run']) {
    for (const r of summary.results) {
      io.stdout.write(
        `${r.tenantId.padEnd(24)} ${r.outcome === 'planned' ? `-> ${r.to}` : `skip: ${r.reason}`}\n`,
      );
    }
    io.stdout.write('dry run: nothing changed\n');
  }
  io.stdout.write(
    `evacuate ${summary.from}: ${summary.total} tenant(s): ${summary.done} done, ${summary.failed} failed, ${summary.skipped} skipped\n`,
  );
}

/** Runs `evacuate <argv>`; returns the exit code. */
export function runEvacuateCli(
  argv: readonly string[],
  io: CliIO,
  options: EvacuateCliOptions = {},
): Promise<number> {
  return runCommand(io, async () => {
    const line = parseCommandLine({ name: 'evacuate', usage: EVACUATE_USAGE, options: OPTIONS }, argv);
    if (line.kind === 'help') return writeHelp(io.stdout, line.text);
    const args = evacuateArguments(line.values);
    const connection = await openConnection(line.values, io, { writes: line.values['dry-run'] !== true });
    const replicas = await replicaReadersOf(connection, io, line.values['local-edge']).catch(
      (error: unknown) => {
        connection.close();
        throw error;
      },
    );
    try {
      const deps = dependenciesOf(args, connection, io, line.values, options, replicas);
      const summary = await evacuateRegion(
        { ...args.request, ...propagationBoundsOf(connection.config), signal: io.signal },
        deps,
      );
      deps.finish();
      printSummary(io, line.values, summary);
      if (io.signal?.aborted === true) {
        throw new InterruptedError(
          `interrupted: the migrations in flight released their leases; rerun \`npm run evacuate -- --from ${summary.from}\` to resume (done tenants are skipped, cut-short ones resumed)`,
        );
      }
      return summary.failed > 0 ? 1 : 0;
    } finally {
      replicas.close();
      connection.close();
    }
  });
}
