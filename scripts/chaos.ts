/**
 * `npm run chaos`: the local edge under steady load while replica, throttling and outage faults
 * are injected in turn and together and tenants are migrated; prints what was injected and what
 * viewers saw, and exits non-zero when an assertion fails. See `--help` and docs/reliability.md.
 */
import { writeFile } from 'node:fs/promises';
import { formatChaosReport } from './chaos/chaos-report.ts';
import { runChaosScenario } from './chaos/chaos-scenario.ts';
import { type ChaosSettings, FULL_CHAOS, QUICK_CHAOS } from './chaos/chaos-settings.ts';
import { integerOption, numberOption, parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';
import { createProgress, type Progress } from './lib/progress.ts';

const USAGE = `
Usage: npm run chaos -- [options]

Runs the local edge (in a child process) under open-loop load and injects, in turn and then
together: the nearest DynamoDB replica cut off, a share of reads throttled on every replica, the
DynamoDB server unreachable for longer than the cache TTL, and two batches of tenant migrations.
Checks that cached tenants never fail, uncached ones get at most a clear 503, nothing is misrouted,
every migrated tenant ends in its target region, and the table holds exactly the expected items.

Options:
  --quick              the short version the test suite runs (about 20 s)
  --rate N             requests per second (default ${FULL_CHAOS.ratePerSecond}; quick ${QUICK_CHAOS.ratePerSecond})
  --phase-ms N         length of an ordinary phase (default ${FULL_CHAOS.phaseMs}; quick ${QUICK_CHAOS.phaseMs})
  --outage-ms N        length of each server outage, more than the TTL (default ${FULL_CHAOS.outageMs})
  --ttl-ms N           route cache TTL of the edge (default ${FULL_CHAOS.ttlMs})
  --hot N              tenants warmed into the cache (default ${FULL_CHAOS.hotTenants}; quick ${QUICK_CHAOS.hotTenants})
  --migrations N       tenants migrated per batch, two batches (default ${FULL_CHAOS.migrationsPerBatch}; quick ${QUICK_CHAOS.migrationsPerBatch})
  --throttle SHARE     share of reads throttled, 0..1 (default ${FULL_CHAOS.throttleShare})
  --seed N             seed of the request sequence (default ${FULL_CHAOS.seed})
  --attempt-ms N       router's per-replica attempt timeout (default ${FULL_CHAOS.attemptTimeoutMs})
  --budget-ms N        router's total lookup budget (default ${FULL_CHAOS.budgetMs})
  --json FILE          also write the full report as JSON to FILE ('-' for stdout; the summary then goes to stderr)
  -h, --help           this help

Exit status: 0 when every assertion held, 1 when one failed, 2 on a bad command line.
`;

runMain(async () => {
  const line = parseCommandLine(
    {
      name: 'chaos',
      usage: USAGE,
      options: {
        quick: { type: 'boolean' },
        rate: { type: 'string' },
        'phase-ms': { type: 'string' },
        'outage-ms': { type: 'string' },
        'ttl-ms': { type: 'string' },
        hot: { type: 'string' },
        migrations: { type: 'string' },
        throttle: { type: 'string' },
        seed: { type: 'string' },
        'attempt-ms': { type: 'string' },
        'budget-ms': { type: 'string' },
        json: { type: 'string' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const base = values.quick === true ? QUICK_CHAOS : FULL_CHAOS;
  const settings: ChaosSettings = {
    ...base,
    ratePerSecond: numberOption(values.rate, 'rate', 1, 5_000) ?? base.ratePerSecond,
    phaseMs: integerOption(values['phase-ms'], 'phase-ms', 200, 600_000) ?? base.phaseMs,
    outageMs: integerOption(values['outage-ms'], 'outage-ms', 1, 600_000) ?? base.outageMs,
    ttlMs: integerOption(values['ttl-ms'], 'ttl-ms', 50, 600_000) ?? base.ttlMs,
    hotTenants: integerOption(values.hot, 'hot', 1, 100_000) ?? base.hotTenants,
    migrationsPerBatch: integerOption(values.migrations, 'migrations', 0, 10_000) ?? base.migrationsPerBatch,
    throttleShare: numberOption(values.throttle, 'throttle', 0, 1) ?? base.throttleShare,
    seed: integerOption(values.seed, 'seed', 0, 2 ** 31) ?? base.seed,
    attemptTimeoutMs: integerOption(values['attempt-ms'], 'attempt-ms', 1, 30_000) ?? base.attemptTimeoutMs,
    budgetMs: integerOption(values['budget-ms'], 'budget-ms', 1, 25_000) ?? base.budgetMs,
  };
  if (settings.budgetMs < settings.attemptTimeoutMs) {
    throw new UsageError(
      `--budget-ms (${settings.budgetMs}) must be at least --attempt-ms (${settings.attemptTimeoutMs})`,
    );
  }
  if (settings.outageMs <= settings.ttlMs) {
    throw new UsageError(
      `--outage-ms (${settings.outageMs}) must be longer than --ttl-ms (${settings.ttlMs})`,
    );
  }
  if (2 * settings.migrationsPerBatch > settings.hotTenants) {
    throw new UsageError(
      `--hot (${settings.hotTenants}) must be at least twice --migrations (${settings.migrationsPerBatch})`,
    );
  }
  const jsonToStdout = values.json === '-';
  const out = jsonToStdout ? process.stderr : process.stdout;

  let progress: Progress | undefined;
  const report = await runChaosScenario(settings, (event) => {
    if (event.type === 'setup') process.stderr.write(`${event.message}\n`);
    else if (event.type === 'phase') {
      progress?.finish();
      process.stderr.write(`phase ${event.phase.name}: ${event.phase.description}\n`);
      progress = undefined;
    } else if (event.type === 'load') {
      progress ??= createProgress({ label: 'load', total: event.total });
      const c = event.counts;
      progress.update(
        event.sent,
        `ok ${c.ok} 503 ${c.unavailable} failed ${c.failed} misrouted ${c.misrouted}`,
      );
    } else if (event.result.outcome === 'failed') {
      process.stderr.write(`migration of ${event.result.tenantId} failed: ${event.result.reason}\n`);
    }
  });
  progress?.finish();
  out.write(`\n${formatChaosReport(report)}`);
  if (jsonToStdout) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.verdict.passed ? 0 : 1;
});
