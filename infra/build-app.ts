/**
 * Builds the CDK app: loads the configuration named in cdk context, builds the stack
 * and runs cdk-nag's AWS Solutions checks on everything. Synthesizes offline, without credentials.
 */
import { App, Validations } from 'aws-cdk-lib';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Region } from '../edge/model.ts';
import { type InfraConfig, tableRegions } from './infra-config.ts';
import { loadInfraConfig } from './load-infra-config.ts';
import { RegionalObservabilityStack } from './regional-observability-stack.ts';
import { TenantRouterStack } from './tenant-router-stack.ts';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** @default a new App reading context from cdk.json and `-c` */
  readonly app?: App;
  /** Edge function code. @default the esbuild bundle with the configuration baked in */
  readonly code?: Code;
  /** Run cdk-nag's AwsSolutionsChecks during synth. @default true */
  readonly nag?: boolean;
}

/**
 * Builds the app: the router stack (and the function's us-east-1 stack when needed), with cdk-nag.
 *
 * @example
 * const { app } = buildApp();
 * app.synth();
 */
export function buildApp(options: BuildAppOptions = {}): {
  app: App;
  stack: TenantRouterStack;
  observability: ReadonlyMap<Region, RegionalObservabilityStack>;
} {
  const app = options.app ?? new App();
  const config = loadInfraConfig(app.node);
  const stack = new TenantRouterStack(app, config.stackName, {
    config,
    description: 'Multi-tenant edge router: global table, Lambda@Edge origin-request function, CloudFront',
    ...(options.code === undefined ? {} : { code: options.code }),
  });
  const observability = new Map<Region, RegionalObservabilityStack>();
  for (const region of observedRegions(config)) {
    const regional = new RegionalObservabilityStack(app, `${config.stackName}-observability-${region}`, {
      config,
      region,
      ...(region === 'us-east-1' && { distributionId: stack.router.cdn.distribution.distributionId }),
    });
    observability.set(region, regional);
  }
  if (options.nag ?? true)
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return { app, stack, observability };
}

/** Every region with something to watch: the edge regions, the replicas, and us-east-1 (CloudFront). */
export function observedRegions(config: InfraConfig): readonly Region[] {
  const regions = new Set<Region>([...config.observability.edgeRegions, ...tableRegions(config)]);
  regions.add('us-east-1' as Region);
  return [...regions];
}
