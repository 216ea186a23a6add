/**
 * `npm run evacuate -- --from <region> [--to <region>]`: migrate every tenant out of a region.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { runMain } = await import('./lib/cli.ts');
const { processIO } = await import('./lib/cli-io.ts');
const { runEvacuateCli } = await import('./lib/migration/evacuate-cli.ts');

runMain(() => runEvacuateCli(process.argv.slice(2), processIO));
