/**
 * `npm run evacuate -- --from <region> [--to <region>]`: migrate every tenant out of a region.
 */
import { propagationWaitMs } from '../../../edge/config.ts';
import { integerOption, parseCommandLine, UsageError } from '../cli.ts';
import { createProgress } from '../progress.ts';
import {
  type CliIO,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  openConnection,
  printJson,
  runCommand,
  wantsHelp,
} from '../tenants/cli-io.ts';
import { parseRegionInput } from '../tenants/input-validation.ts';
import { currentActor } from '../tenants/operation-context.ts';
import { evacuateRegion } from './evacuation.ts';
import type { MigrationStep } from './migration-machine.ts';
import { createMigrationEffects, processOwner } from './migration-wiring.ts';

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
${CONNECTION_HELP}`;

/** Options of {@link runEvacuateCli} for in-process tests. */
export interface EvacuateCliOptions {
  readonly afterStep?: (tenantId: string, step: MigrationStep) => void | Promise<void>;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs `evacuate <argv>`; returns the exit code. */
export function runEvacuateCli(
  argv: readonly string[],
  io: CliIO,
  options: EvacuateCliOptions = {},
): Promise<number> {
  return runCommand(io, async () => {
    if (wantsHelp(argv)) {
      io.stdout.write(`${EVACUATE_USAGE}\n`);
      return 0;
    }
    const { values } = parseCommandLine(
      {
        name: 'evacuate',
        usage: EVACUATE_USAGE,
        options: {
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
        },
      },
      argv,
    );
    if (values.from === undefined) throw new UsageError('evacuate: --from <region> is required (see --help)');
    const from = parseRegionInput(values.from);
    const to = values.to === undefined ? undefined : parseRegionInput(values.to);
    const concurrency = integerOption(values.concurrency, 'concurrency', 1, 64) ?? 4;
    const leaseMs = (integerOption(values['lease-seconds'], 'lease-seconds', 5, 3600) ?? 30) * 1000;
    const hookTimeoutMs = (integerOption(values['hook-timeout'], 'hook-timeout', 1, 86_400) ?? 1800) * 1000;
    const connection = await openConnection(values, io);
    try {
      const actor = currentActor();
      const owner = processOwner(actor);
      let progress: ReturnType<typeof createProgress> | undefined;
      const counts = { done: 0, failed: 0, skipped: 0 };
      const summary = await evacuateRegion(
        {
          from,
          to,
          concurrency,
          dryRun: values['dry-run'] === true,
          freeze: values.freeze === true,
          hook: values.hook,
          takeover: values.takeover === true,
          owner,
          actor,
          leaseMs,
          propagationWaitMs: propagationWaitMs(connection.config),
        },
        {
          table: connection.table,
          effectsFor: (tenantId) => {
            const effects = createMigrationEffects({
              table: connection.table,
              io,
              hookTimeoutMs,
              onEvent: () => {},
              afterStep:
                options.afterStep === undefined ? undefined : (step) => options.afterStep?.(tenantId, step),
            });
            return options.sleep === undefined ? effects : { ...effects, sleep: options.sleep };
          },
          onStart: (total) => {
            if (!values.json) io.stderr.write(`evacuating ${from}: ${total} tenant(s)\n`);
            progress = createProgress({
              label: `evacuate ${from}`,
              total,
              stream: io.stderr as NodeJS.WriteStream,
            });
          },
          onResult: (result, done) => {
            if (result.outcome !== 'planned') counts[result.outcome]++;
            if (!values.json && (result.outcome === 'failed' || result.outcome === 'skipped')) {
              io.stderr.write(`\n${result.outcome}: ${result.tenantId}: ${result.reason ?? ''}\n`);
            }
            progress?.update(done, `${counts.done} done, ${counts.failed} failed, ${counts.skipped} skipped`);
          },
        },
      );
      progress?.finish();
      if (values.json) printJson(io, summary);
      else {
        if (values['dry-run']) {
          for (const r of summary.results) {
            io.stdout.write(
              `${r.tenantId.padEnd(24)} ${r.outcome === 'planned' ? `-> ${r.to}` : `skip: ${r.reason}`}\n`,
            );
          }
          io.stdout.write('dry run: nothing changed\n');
        }
        io.stdout.write(
          `evacuate ${from}: ${summary.total} tenant(s): ${summary.done} done, ${summary.failed} failed, ${summary.skipped} skipped\n`,
        );
      }
      return summary.failed > 0 ? 1 : 0;
    } finally {
      connection.close();
    }
  });
}
