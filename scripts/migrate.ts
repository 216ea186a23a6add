/**
 * `npm run migrate -- <tenant> --to <region>`: region migration of one tenant (see `--help`).
 */
import { interruptOnSigint, runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runMigrateCli } from './lib/migration/migrate-cli.ts';

// Ctrl-C stops at a safe point (leases released, where it stopped printed): exit 130.
const io = { ...processIO, signal: interruptOnSigint() };
runMain(() => runMigrateCli(process.argv.slice(2), io), io);
