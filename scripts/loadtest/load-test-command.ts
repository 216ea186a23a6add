/**
 * The load test as a command: parse, then run (once or a sweep), emit an engine's test, or import
 * an engine's results; print the summary, write `--json` / `--html` (a partial report when the
 * run was interrupted) and decide the exit code: 130 interrupted, 1 over `--max-error-rate`, else 0.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TextSink } from '../lib/cli-io.ts';
import { emitEngineTest } from './engines/emit-engine-test.ts';
import { importEngineResults } from './engines/import-engine-results.ts';
import { renderRunReport, renderSweepReport } from './html-report.ts';
import type { LoadTestResult } from './load-result.ts';
import { type LoadTestOptions, parseLoadTestArguments, withSweepValue } from './load-test-options.ts';
import { commandLine, currentEnvironment } from './run-environment.ts';
import { runLoadTest } from './run-load-test.ts';
import { exceedsErrorRate } from './status-expectation.ts';
import { formatSummary, formatSweepTable } from './summary-table.ts';
import { runSweep, type SweepResult } from './sweep.ts';

/** Exit code of an interrupted run (128 + SIGINT), as a shell reports Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Where the command writes. */
export interface LoadTestIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Set by Ctrl-C: the run stops and reports what it has. */
  readonly signal?: AbortSignal;
}

/** Runs the load test command line `argv`; resolves with the exit code. */
export async function loadTestCommand(argv: readonly string[], io: LoadTestIO): Promise<number> {
  const options = parseLoadTestArguments(argv);
  // With --json -, stdout carries the JSON only; the human summary goes to stderr.
  const out = (text: string) => (options.jsonFile === '-' ? io.stderr : io.stdout).write(text);
  const command = commandLine('loadtest', argv);
  if (options.emit !== undefined) {
    out(await emitEngineTest(options, options.emit, command));
    return 0;
  }
  if (options.importDir !== undefined) {
    const result = await importEngineResults(options.importDir, options, command);
    out(formatSummary(result));
    await writeReports(options, io, result, renderRunReport(result));
    return exitCodeOf([result], options);
  }
  const environment = currentEnvironment(command);
  const withEnvironment = (result: LoadTestResult): LoadTestResult => ({ ...result, environment });
  const hooks = io.signal === undefined ? {} : { signal: io.signal };
  if (options.sweep !== undefined) {
    const spec = options.sweep;
    const sweep: SweepResult = await runSweep(
      spec,
      async (value) => {
        out(`\n== ${spec.parameter} = ${value}\n`);
        return withEnvironment(await runLoadTest(withSweepValue(options, spec.parameter, value), hooks));
      },
      (_value, result) => out(formatSummary(result)),
    );
    out(`\n${formatSweepTable(sweep)}`);
    await writeReports(options, io, sweep, renderSweepReport(sweep));
    return exitCodeOf(
      sweep.runs.map((r) => r.result),
      options,
    );
  }
  const result = withEnvironment(await runLoadTest(options, hooks));
  out(formatSummary(result));
  await writeReports(options, io, result, renderRunReport(result));
  return exitCodeOf([result], options);
}

/** `--json` and `--html`, written whatever the outcome (a partial result is marked so inside). */
async function writeReports(
  options: LoadTestOptions,
  io: LoadTestIO,
  json: unknown,
  html: string,
): Promise<void> {
  const text = `${JSON.stringify(json, null, 2)}\n`;
  if (options.jsonFile === '-') io.stdout.write(text);
  else if (options.jsonFile !== undefined) await writeCreatingFolder(options.jsonFile, text);
  if (options.htmlFile !== undefined) await writeCreatingFolder(options.htmlFile, html);
}

async function writeCreatingFolder(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** 130 when a run was interrupted, 1 when one failed its error bar, else 0. */
function exitCodeOf(results: readonly LoadTestResult[], options: LoadTestOptions): number {
  if (results.some((r) => r.partial !== undefined)) return INTERRUPTED_EXIT_CODE;
  const failed = results.some((r) =>
    exceedsErrorRate(
      { errors: r.requests.errors, finished: r.requests.completed + r.requests.noResponse },
      options.maxErrorRate,
    ),
  );
  return failed ? 1 : 0;
}
