/**
 * `npm run migrate -- <tenant> --to <region>`: migrate one tenant between regions, resume a
 * migration cut short, or roll one back.
 */
import type { Region, TenantId } from '../../../edge/model.ts';
import { integerOption, type ParsedArguments, parseCommandLine, UsageError, writeHelp } from '../cli.ts';
import { type CliIO, printJson, runCommand } from '../cli-io.ts';
import { parseRegionInput, parseTenantIdInput } from '../tenants/input-validation.ts';
import { currentActor } from '../tenants/operation-context.ts';
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  type Connection,
  openConnection,
} from '../tenants/table-connection.ts';
import { tenantToJson } from '../tenants/tenant-format.ts';
import { createMigrationDisplay } from './migration-display.ts';
import type { MigrationEffects, MigrationStep } from './migration-effects.ts';
import { type MigrationOutcome, runMigration } from './migration-machine.ts';
import { rollbackMigration } from './migration-rollback.ts';
import { createMigrationEffects, processOwner } from './migration-wiring.ts';
import { propagationBoundsOf } from './propagation-wait.ts';
import { type ReplicaReaders, replicaReadersOf } from './replica-readers.ts';
import { createRouteProbe } from './route-probe.ts';

/** The tool's help. */
export const MIGRATE_USAGE = `Usage: npm run migrate -- <tenant> --to <region> [options]
       npm run migrate -- <tenant> --rollback [options]

Moves a tenant's home region with a resumable state machine kept in the tenant item:
  planned -> prepared (--hook) -> frozen (--freeze) -> switched -> propagated -> finalized
Each step is one conditional write on the tenant's version. Rerunning the same command after a
crash resumes from the recorded phase (once the crashed run's lease has expired, or at once with
--takeover). A second migration of a tenant is refused while one is in progress.

Options:
  --to REGION           target region (must be declared and active, its health URL must answer 2xx)
  --dry-run             print the plan after preflight and change nothing
  --freeze              maintenance (503 + Retry-After) from before the switch until it propagated,
                        for applications that cannot take writes in two regions
  --hook CMD            shell command run before the switch (ETR_PHASE=prepare) and on rollback
                        (ETR_PHASE=rollback), with ETR_TENANT, ETR_FROM, ETR_TO, ETR_MIGRATION_ID;
                        a failing prepare hook abandons the migration, nothing switched
  --hook-timeout S      kill a hook still running after S seconds and fail (default 1800)
  --verify-url URL      after the wait, probe this URL through the router until the target answers
  --verify-host HOST    Host header of the probe (a tenant domain)
  --verify-header NAME  response header naming the answering region (default: JSON body "region")
  --verify-edge-region R  the local edge's edge region to probe from (x-local-edge-region header)
  --verify-timeout S    seconds of probing before giving up (default 60)
  --health-url URL      health URL of the target (default: the region's, else <pool origin>/health)
  --rollback            return the tenant to its source region from any phase before finalize
  --takeover            resume or roll back even though another process holds the lease
  --lease-seconds N     how long this run's hold lasts without renewal, 5-3600 (default 30)
  --local-edge URL      a running local edge's control API (default $LOCAL_EDGE_CONTROL): read each
                        of its replicas in the propagation waits
${CONNECTION_HELP}

The waits: until every replica holds the write (each replica read on its own: the local edge's
through --local-edge, each replica region's on AWS), at most the replication lag allowance (a
replica still without it fails the run clearly, the write kept: rerun to wait again), then the
cache TTL; with only --endpoint, the staleness bound (TTL + allowance) on the clock. With --freeze, --verify-url probes after the tenant is unfrozen (a frozen tenant answers
503). Ctrl-C stops at the next safe point: the lease is released and the command to resume (or to
roll back) is printed; exit code 130. Test hook: ETR_CRASH_AFTER_PHASE=<phase> exits (code 86) right after that phase's write.`;

/** Options of {@link runMigrateCli} for in-process tests. */
export interface MigrateCliOptions {
  readonly afterStep?: (step: MigrationStep) => void | Promise<void>;
  readonly sleep?: (ms: number) => Promise<void>;
}

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  freeze: { type: 'boolean' },
  hook: { type: 'string' },
  'hook-timeout': { type: 'string' },
  'verify-url': { type: 'string' },
  'verify-host': { type: 'string' },
  'verify-header': { type: 'string' },
  'verify-edge-region': { type: 'string' },
  'verify-timeout': { type: 'string' },
  'health-url': { type: 'string' },
  rollback: { type: 'boolean' },
  takeover: { type: 'boolean' },
  'lease-seconds': { type: 'string' },
  'local-edge': { type: 'string' },
} as const;

type MigrateValues = ParsedArguments<typeof OPTIONS>['values'];

/** The validated command line. */
interface MigrateArguments {
  readonly values: MigrateValues;
  readonly tenantId: TenantId;
  /** undefined: `--rollback`. */
  readonly to: Region | undefined;
  readonly verifyUrl: string | undefined;
  readonly healthUrl: string | undefined;
  readonly leaseMs: number;
  readonly hookTimeoutMs: number;
  readonly verifyTimeoutMs: number;
}

function urlOption(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && !URL.canParse(value))
    throw new UsageError(`--${name} ${JSON.stringify(value)} is not a URL`);
  return value;
}

function migrateArguments(values: MigrateValues, positionals: readonly string[]): MigrateArguments {
  const [tenant, ...extra] = positionals;
  if (tenant === undefined || extra.length > 0)
    throw new UsageError('migrate: expected one <tenant> (see --help)');
  const tenantId = parseTenantIdInput(tenant);
  if (values.rollback && values.to !== undefined) throw new UsageError('migrate: --rollback takes no --to');
  if (!values.rollback && values.to === undefined)
    throw new UsageError('migrate: --to <region> is required (see --help)');
  return {
    values,
    tenantId,
    to: values.to === undefined ? undefined : parseRegionInput(values.to),
    verifyUrl: urlOption(values['verify-url'], 'verify-url'),
    healthUrl: urlOption(values['health-url'], 'health-url'),
    leaseMs: (integerOption(values['lease-seconds'], 'lease-seconds', 5, 3600) ?? 30) * 1000,
    hookTimeoutMs: (integerOption(values['hook-timeout'], 'hook-timeout', 1, 86_400) ?? 1800) * 1000,
    verifyTimeoutMs: (integerOption(values['verify-timeout'], 'verify-timeout', 1, 3600) ?? 60) * 1000,
  };
}

function describeOutcome(outcome: MigrationOutcome): string {
  switch (outcome.kind) {
    case 'dry-run': {
      const p = outcome.plan;
      const lines = [
        `plan: migrate ${p.tenantId} ${p.from} -> ${p.to}${p.resumeFrom === null ? '' : ` (resume from ${p.resumeFrom})`}`,
        `  target origin ${p.targetOrigin}, health ${p.healthUrl ?? '-'}`,
        ...p.steps.map((s) => `  - ${s}`),
        ...p.notes.map((n) => `  note: ${n}`),
        'dry run: nothing changed',
      ];
      return `${lines.join('\n')}\n`;
    }
    case 'completed':
      return `migrated ${outcome.plan.tenantId} to ${outcome.tenant.record.region} (migration ${outcome.migrationId})\n`;
    case 'rolled-back':
      return `rolled back ${outcome.tenant.record.tenantId} to ${outcome.tenant.record.region} from phase ${outcome.fromPhase}\n`;
  }
}

function outcomeToJson(outcome: MigrationOutcome): Record<string, unknown> {
  return {
    outcome: outcome.kind,
    ...(outcome.kind === 'dry-run'
      ? { plan: outcome.plan }
      : { migrationId: outcome.migrationId, tenant: tenantToJson(outcome.tenant.record) }),
    ...(outcome.kind === 'rolled-back' ? { fromPhase: outcome.fromPhase } : {}),
  };
}

function effectsOf(
  args: MigrateArguments,
  connection: Connection,
  io: CliIO,
  options: MigrateCliOptions,
  replicas: ReplicaReaders,
): MigrationEffects {
  const { values } = args;
  const effects = createMigrationEffects({
    table: connection.table,
    io,
    replicaVersions: replicas.read,
    replicaNote: replicas.note,
    hookTimeoutMs: args.hookTimeoutMs,
    onEvent: values.json ? () => {} : createMigrationDisplay(io.stderr),
    probeRoute:
      args.verifyUrl === undefined
        ? undefined
        : createRouteProbe({
            url: args.verifyUrl,
            host: values['verify-host'],
            regionHeader: values['verify-header'],
            ...(values['verify-edge-region'] !== undefined && {
              headers: { 'x-local-edge-region': parseRegionInput(values['verify-edge-region']) },
            }),
          }),
    afterStep: options.afterStep,
    signal: io.signal,
  });
  return options.sleep === undefined ? effects : { ...effects, sleep: options.sleep };
}

/** Runs the migration (or rollback) the arguments ask for. */
function migrateOrRollBack(
  args: MigrateArguments,
  connection: Connection,
  effects: MigrationEffects,
): Promise<MigrationOutcome> {
  const { values } = args;
  const actor = currentActor();
  const common = {
    tenantId: args.tenantId,
    owner: processOwner(actor),
    actor,
    leaseMs: args.leaseMs,
    ...propagationBoundsOf(connection.config),
    takeover: values.takeover === true,
    hook: values.hook,
  };
  if (args.to === undefined) return rollbackMigration(common, effects);
  return runMigration(
    {
      ...common,
      to: args.to,
      freeze: values.freeze === true,
      dryRun: values['dry-run'] === true,
      healthUrl: args.healthUrl,
      verifyTimeoutMs: args.verifyTimeoutMs,
    },
    effects,
  );
}

/** Runs `migrate <argv>`; returns the exit code. */
export function runMigrateCli(
  argv: readonly string[],
  io: CliIO,
  options: MigrateCliOptions = {},
): Promise<number> {
  return runCommand(io, async () => {
    const line = parseCommandLine(
      { name: 'migrate', usage: MIGRATE_USAGE, allowPositionals: true, options: OPTIONS },
      argv,
    );
    if (line.kind === 'help') return writeHelp(io.stdout, line.text);
    const args = migrateArguments(line.values, line.positionals);
    const connection = await openConnection(line.values, io, { writes: line.values['dry-run'] !== true });
    try {
      const replicas = await replicaReadersOf(connection, io, line.values['local-edge']);
      try {
        const effects = effectsOf(args, connection, io, options, replicas);
        const outcome = await migrateOrRollBack(args, connection, effects);
        if (line.values.json) printJson(io, outcomeToJson(outcome));
        else io.stdout.write(describeOutcome(outcome));
        return 0;
      } finally {
        replicas.close();
      }
    } finally {
      connection.close();
    }
  });
}
