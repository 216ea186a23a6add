/**
 * The Locust commands that run an emitted test in Locust's distributed mode: one master, one
 * worker per region (each labelled by `LOADTEST_REGION`), one open-loop user per worker. The same
 * argument lists are printed, written into the emitted README.md and run by the end-to-end test.
 */
import { join } from 'node:path';
import { shellQuote } from '../run-environment.ts';
import type { EngineWorkload } from './engine-workload.ts';

/** Where the master listens and which `locust` runs. */
export interface LocustCommandOptions {
  /** @default 'locust' */
  readonly locust?: string;
  /** Address the master binds and the workers connect to. @default '127.0.0.1' */
  readonly masterHost?: string;
  /** @default 5557 (Locust's) */
  readonly masterPort?: number;
}

/** One process to start. */
export interface LocustProcess {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** The master and the workers of one run. */
export interface LocustRun {
  readonly master: LocustProcess;
  readonly workers: readonly LocustProcess[];
}

/** The processes of a distributed run of the test in `dir`. */
export function locustRun(
  workload: EngineWorkload,
  dir: string,
  options: LocustCommandOptions = {},
): LocustRun {
  const locust = options.locust ?? 'locust';
  const host = options.masterHost ?? '127.0.0.1';
  const port = String(options.masterPort ?? 5557);
  const file = join(dir, 'locustfile.py');
  const users = String(workload.users);
  const master: LocustProcess = {
    argv: [
      locust,
      '-f',
      file,
      '--master',
      '--master-bind-host',
      host,
      '--master-bind-port',
      port,
      '--expect-workers',
      users,
      // A worker that never comes must fail the run, not hang it.
      '--expect-workers-max-wait',
      '120',
      '--headless',
      '--users',
      users,
      '--spawn-rate',
      users,
      '--run-time',
      `${workload.runTimeSeconds}s`,
      '--csv',
      join(dir, 'results', 'locust'),
      '--only-summary',
    ],
    env: {},
  };
  const regions = workload.regions.length > 0 ? workload.regions : [''];
  const workers = regions.map(
    (region): LocustProcess => ({
      argv: [locust, '-f', file, '--worker', '--master-host', host, '--master-port', port],
      env: region === '' ? {} : { LOADTEST_REGION: region },
    }),
  );
  return { master, workers };
}

/** A process as one shell line. */
export function shellLine(process: LocustProcess): string {
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [...env, ...process.argv.map(shellQuote)].join(' ');
}

/** The README.md written beside the test, and the local commands it lists. */
export function locustReadme(
  workload: EngineWorkload,
  dir: string,
): { markdown: string; localCommands: string[] } {
  const local = locustRun(workload, dir);
  const localCommands = [
    `${shellLine(local.master)} &`,
    ...local.workers.map((w) => `${shellLine(w)} &`),
    'wait',
    `npm run loadtest -- --import ${shellQuote(dir)} --html report.html`,
  ];
  // Across machines the master listens on every interface and the workers dial its address.
  const masterRemote = shellLine(locustRun(workload, '.', { masterHost: '0.0.0.0' }).master);
  const workerRemote = locustRun(workload, '.', { masterHost: 'MASTER_ADDRESS' }).workers[0] as LocustProcess;
  const regions = workload.regions.length > 0 ? workload.regions : ['<region>'];
  const markdown = `# Load test for Locust

Written by \`${workload.emittedBy}\`: ${workload.hosts.length} hosts${workload.hostsKind === undefined ? '' : ` (${workload.hostsKind})`}, Zipf ${workload.zipf}, ${workload.ratePerSecond} requests per second in all for ${workload.durationMs / 1000} s after ${workload.warmupMs / 1000} s of warm-up, ${workload.users} open-loop user(s) (one per worker), success = ${workload.expect.label}.

## On this machine (Locust's distributed mode, master and workers as local processes)

\`\`\`sh
${localCommands.join('\n')}
\`\`\`

## From ${regions.length} regions

Copy this folder (\`locustfile.py\`, \`workload.json\`) to one machine per region and to the master's
machine, with Locust installed (\`apt-get install python3-locust\` on Debian, or \`pip install locust\`).
The workers connect to the master's port 5557 (TCP; open it to them only; MASTER_ADDRESS is its address).

\`\`\`sh
# the master
${masterRemote}
# one worker in each region
${regions.map((r) => shellLine({ argv: workerRemote.argv, env: { LOADTEST_REGION: r } })).join('\n')}
# then, with results/ copied back from the master beside workload.json
npm run loadtest -- --import . --html report.html
\`\`\`

Each worker sends ${workload.ratePerSecond / workload.users} requests per second on a fixed schedule and records
every latency from its intended send time; the master collects the records through Locust's worker reports
into \`results/records.jsonl\`, beside Locust's own \`results/locust_stats.csv\`.
`;
  return { markdown, localCommands };
}
