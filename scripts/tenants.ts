/**
 * `npm run tenants -- <command>`: the tenants admin tool (see `--help`).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { runMain } = await import('./lib/cli.ts');
const { processIO } = await import('./lib/cli-io.ts');
const { runTenantsCli } = await import('./lib/tenants/tenants-cli.ts');

// `tenants export | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runMain(() => runTenantsCli(process.argv.slice(2), processIO));
