/**
 * `npm run migrate -- <tenant> --to <region>`: region migration of one tenant (see `--help`).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { runMain } = await import('./lib/cli.ts');
const { processIO } = await import('./lib/cli-io.ts');
const { runMigrateCli } = await import('./lib/migration/migrate-cli.ts');

runMain(() => runMigrateCli(process.argv.slice(2), processIO));
