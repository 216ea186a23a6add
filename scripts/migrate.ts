/**
 * `npm run migrate -- <tenant> --to <region>`: region migration of one tenant (see `--help`).
 */
import { runMain } from './lib/cli.ts';
import { processIO } from './lib/cli-io.ts';
import { runMigrateCli } from './lib/migration/migrate-cli.ts';

runMain(() => runMigrateCli(process.argv.slice(2), processIO));
