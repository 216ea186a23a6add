/**
 * The CDK app entry named in `cdk.json` (`npx tsx infra/app.ts`): builds the app from the
 * configuration in cdk context and synthesizes it. Runs offline, without AWS credentials.
 */
import { buildApp } from './build-app.ts';

buildApp().app.synth();
