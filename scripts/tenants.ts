/**
 * `npm run tenants -- <command>`: the tenants admin tool (see `--help`).
 */
import { runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runTenantsCli } from './lib/tenants/tenants-cli.ts';

// `tenants export | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runMain(() => runTenantsCli(process.argv.slice(2), processIO));
