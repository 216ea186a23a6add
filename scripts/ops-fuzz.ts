/**
 * `npm run ops-fuzz`: randomised concurrent operator histories with kills and restarts against
 * the local edge, then `tenants check` and the routes every tenant was last told it owns (see
 * docs/reliability.md).
 */
import { integerOption, parseCommandLine, runMain, UsageError, writeHelp } from './lib/cli.ts';
import { type FuzzReport, runOpsFuzz } from './ops-fuzz/fuzz-run.ts';

const USAGE = `
Usage: npm run ops-fuzz -- [options]

Starts the local edge (cache TTL 300 ms, one store per replica region, replicated with lag), runs --workers operator processes at once, each doing
--ops random tenants / migrate / evacuate commands over a few tenant ids and hosts (so they
collide), SIGKILLs a process in the middle of a command --kills times and restarts it (rerunning
the command cut short, with --takeover), then runs \`tenants check\` and requests every claim a
tenant was last told it owns through the edge. Exit 0 when there are no violations and nothing
misrouted, 1 otherwise.

Options:
  --workers N        operator processes at once, 1-16 (default 4)
  --ops N            commands per process, 1-500 (default 25)
  --kills N          kills (each followed by a restart), 0-100 (default 6)
  --seed N           the histories' seed (default 1)
  --write-regions N  1: every tool writes to the write region (the rule); 2: half the processes
                     forced (--force-region) into a second region, to show what the rule prevents
  --replication-lag L  lag of each write replicated between the regions' stores: MS,
                     uniform:MIN-MAX or lognormal:MEDIAN,P99 (default uniform:20-200)
  --json             the report as one JSON document
  -h, --help         show this help
`;

async function main(): Promise<number> {
  const line = parseCommandLine(
    {
      name: 'ops-fuzz',
      usage: USAGE,
      options: {
        workers: { type: 'string' },
        ops: { type: 'string' },
        kills: { type: 'string' },
        seed: { type: 'string' },
        'write-regions': { type: 'string' },
        'replication-lag': { type: 'string' },
        json: { type: 'boolean' },
      },
    },
    process.argv.slice(2),
  );
  if (line.kind === 'help') return writeHelp(process.stdout, line.text);
  const { values } = line;
  const writeRegions = integerOption(values['write-regions'], 'write-regions', 1, 2) ?? 1;
  if (writeRegions !== 1 && writeRegions !== 2) throw new UsageError('--write-regions must be 1 or 2');
  const settings = {
    workers: integerOption(values.workers, 'workers', 1, 16) ?? 4,
    opsPerWorker: integerOption(values.ops, 'ops', 1, 500) ?? 25,
    kills: integerOption(values.kills, 'kills', 0, 100) ?? 6,
    seed: integerOption(values.seed, 'seed', 0, 2 ** 31) ?? 1,
    writeRegions,
    ...(values['replication-lag'] === undefined ? {} : { replicationLag: values['replication-lag'] }),
  } as const;
  const report = await runOpsFuzz(settings, (l) => process.stderr.write(`ops-fuzz: ${l}\n`));
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(describe(report));
  const passed = report.verdict.violations.length === 0 && report.verdict.misrouted.length === 0;
  return passed ? 0 : 1;
}

function describe(r: FuzzReport): string {
  const v = r.verdict;
  const outcomes = Object.entries(r.outcomes)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return [
    `ops-fuzz seed ${r.settings.seed}, ${r.settings.writeRegions} write region(s), replication lag ${r.settings.replicationLag ?? 'uniform:20-200'}: ${r.settings.workers} workers x ${r.settings.opsPerWorker} commands, took ${(r.ms / 1000).toFixed(1)} s`,
    `histories: ${r.processes} processes (${r.processes - r.settings.workers} restarts), ${r.commands} commands (${outcomes}), ${r.kills} kills`,
    `tenants check: ${v.violations.length} violation(s) (exit ${v.checkExitCode})${v.violations.map((x) => `\n  ${x}`).join('')}`,
    `routes: ${v.routesChecked} claims requested through the edge, ${v.misrouted.length} misrouted, ${v.uncertain} left out${v.misrouted.map((x) => `\n  ${x}`).join('')}`,
    v.violations.length === 0 && v.misrouted.length === 0 ? 'result: PASS' : 'result: FAIL',
    '',
  ].join('\n');
}

runMain(main);
