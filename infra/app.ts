/**
 * The CDK app entry named in `cdk.json` (`npx tsx infra/app.ts`): builds the app from the
 * configuration in cdk context and synthesizes it. Runs offline, without AWS credentials.
 * A bad configuration is one line on stderr and exit code 1, not a stack trace.
 */
import { ConfigError } from '../edge/errors.ts';
import { buildApp } from './build-app.ts';

try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
