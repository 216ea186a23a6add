/**
 * `npm run tenants -- <command>`: the tenants admin tool (see `--help`).
 */
import { interruptOnSigint, runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runTenantsCli } from './lib/tenants/tenants-cli.ts';

// `tenants export | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Ctrl-C stops an import after the lines in flight (it says where, exit 130); any other command
// is short and safe to kill anywhere (the claim protocol), so it keeps the default.
const argv = process.argv.slice(2);
const io = argv[0] === 'import' ? { ...processIO, signal: interruptOnSigint() } : processIO;
runMain(() => runTenantsCli(argv, io), io);
