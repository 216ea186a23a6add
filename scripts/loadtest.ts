/**
 * `npm run loadtest`: what the router costs per request, open-loop at a constant arrival rate.
 * See `--help` and docs/performance.md. The logic lives in scripts/loadtest/.
 *
 * Ctrl-C stops the run: the requests in flight get a moment to finish, the partial report is
 * written (marked partial) and the load test's own local edge is stopped with its temporary
 * folder; a second Ctrl-C, a second or more later, quits at once. Sooner is the same Ctrl-C
 * again: npm forwards the signal it got to this process, which the terminal signalled already.
 * (package.json runs this file with `node --import tsx`, not the tsx command: tsx relays a
 * signal and kills its child outright when the child does not confirm within 30 ms, as a busy
 * process on a loaded machine does not, and no report would be written.)
 */
import { isHelpRequest, runMain, writeHelp } from './lib/cli.ts';
import { INTERRUPTED_EXIT_CODE, loadTestCommand } from './loadtest/load-test-command.ts';
import { LOAD_TEST_USAGE } from './loadtest/load-test-options.ts';

/** A second SIGINT sooner than this after the first is the same Ctrl-C, forwarded by npm. */
const REPEAT_MS = 1000;

runMain(async () => {
  const argv = process.argv.slice(2);
  if (isHelpRequest(argv)) return writeHelp(process.stdout, LOAD_TEST_USAGE);
  const interrupt = new AbortController();
  let firstAt = 0;
  const onInterrupt = () => {
    if (interrupt.signal.aborted) {
      if (performance.now() - firstAt >= REPEAT_MS) process.exit(INTERRUPTED_EXIT_CODE);
      return;
    }
    firstAt = performance.now();
    process.stderr.write(
      '\ninterrupted: stopping, writing the partial report (Ctrl-C again to quit at once)\n',
    );
    interrupt.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await loadTestCommand(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      signal: interrupt.signal,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
});
