/**
 * `npm run evacuate -- --from <region> [--to <region>]`: migrate every tenant out of a region.
 */
import { interruptOnSigint, runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runEvacuateCli } from './lib/migration/evacuate-cli.ts';

// Ctrl-C stops at a safe point (leases released, where it stopped printed): exit 130.
const io = { ...processIO, signal: interruptOnSigint() };
runMain(() => runEvacuateCli(process.argv.slice(2), io), io);
