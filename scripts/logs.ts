/**
 * `npm run logs`: search the router's logs in every edge region (see `--help` and docs/operations.md).
 */
import { runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runLogsCli } from './logs/logs-cli.ts';

// `logs | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runMain(() => runLogsCli(process.argv.slice(2), processIO));
