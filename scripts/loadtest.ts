/**
 * `npm run loadtest`: what the router costs per request, open-loop at a constant arrival rate.
 * See `--help` and docs/performance.md. The logic lives in scripts/loadtest/.
 */
import { writeFile } from 'node:fs/promises';
import { isHelpRequest, runMain, writeHelp } from './lib/cli.ts';
import { renderRunReport, renderSweepReport } from './loadtest/html-report.ts';
import { LOAD_TEST_USAGE, parseLoadTestArguments, withSweepValue } from './loadtest/load-test-options.ts';
import { runLoadTest } from './loadtest/run-load-test.ts';
import { formatSummary, formatSweepTable } from './loadtest/summary-table.ts';
import { runSweep } from './loadtest/sweep.ts';

runMain(async () => {
  const argv = process.argv.slice(2);
  if (isHelpRequest(argv)) return writeHelp(process.stdout, LOAD_TEST_USAGE);
  const options = parseLoadTestArguments(argv);
  // With --json -, stdout carries the JSON only; the human summary goes to stderr.
  const out = (text: string) => (options.jsonFile === '-' ? process.stderr : process.stdout).write(text);
  let json: unknown;
  let html: string;
  if (options.sweep !== undefined) {
    const spec = options.sweep;
    const sweep = await runSweep(
      spec,
      (value) => {
        out(`\n== ${spec.parameter} = ${value}\n`);
        return runLoadTest(withSweepValue(options, spec.parameter, value));
      },
      (_value, result) => out(formatSummary(result)),
    );
    out(`\n${formatSweepTable(sweep)}`);
    json = sweep;
    html = renderSweepReport(sweep);
  } else {
    const result = await runLoadTest(options);
    out(formatSummary(result));
    json = result;
    html = renderRunReport(result);
  }
  if (options.jsonFile === '-') process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (options.jsonFile !== undefined)
    await writeFile(options.jsonFile, `${JSON.stringify(json, null, 2)}\n`);
  if (options.htmlFile !== undefined) await writeFile(options.htmlFile, html);
  const failed = options.sweep === undefined ? (json as { requests: { errors: number } }).requests.errors : 0;
  return failed > 0 ? 1 : 0;
});
