/**
 * `npm run evacuate -- --from <region> [--to <region>]`: migrate every tenant out of a region.
 */
import { runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runEvacuateCli } from './lib/migration/evacuate-cli.ts';

runMain(() => runEvacuateCli(process.argv.slice(2), processIO));
