/**
 * One operator process of ops-fuzz (run by fuzz-run.ts): runs its operations in order from a start
 * index, each through the real command-line entry in-process, and reports each start and end as a
 * JSON line on stdout, so a kill between two lines is seen exactly where it happened.
 *
 * Usage: fuzz-worker.ts <plan.json> <worker> <start> [--resume]
 */
import { readFileSync } from 'node:fs';
import type { CliIO } from '../lib/cli-io.ts';
import { runEvacuateCli } from '../lib/migration/evacuate-cli.ts';
import { runMigrateCli } from '../lib/migration/migrate-cli.ts';
import { runTenantsCli } from '../lib/tenants/tenants-cli.ts';
import { commandOf, type FuzzOp } from './fuzz-plan.ts';

const ENTRIES = { tenants: runTenantsCli, migrate: runMigrateCli, evacuate: runEvacuateCli } as const;

/** A line of the worker's report. */
export type WorkerEvent =
  | { readonly event: 'start'; readonly index: number; readonly at: number }
  | {
      readonly event: 'end';
      readonly index: number;
      readonly at: number;
      readonly code: number;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly event: 'done' };

function report(event: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  const [planPath, workerText, startText, flag] = process.argv.slice(2);
  const plan = JSON.parse(readFileSync(planPath as string, 'utf8')) as FuzzOp[][];
  const ops = plan[Number(workerText)] ?? [];
  for (let index = Number(startText); index < ops.length; index++) {
    const { tool, argv } = commandOf(
      ops[index] as FuzzOp,
      flag === '--resume' && index === Number(startText),
    );
    // A worker forced into a second write region (ops-fuzz --write-regions 2) says so on every command.
    argv.push(...(JSON.parse(process.env.ETR_FUZZ_REGION_ARGS ?? '[]') as string[]));
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: process.env,
    };
    report({ event: 'start', index, at: Date.now() });
    const code = await ENTRIES[tool](argv, io);
    report({ event: 'end', index, at: Date.now(), code, stdout, stderr });
  }
  report({ event: 'done' });
}

await main();
