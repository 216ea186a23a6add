/**
 * The app's main stack: a {@link TenantRouter} in the primary region, with outputs operators need.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { InfraConfig } from './infra-config.ts';
import { RouterMonitoring } from './router-monitoring.ts';
import { TenantRouter } from './tenant-router.ts';

/** Props of {@link TenantRouterStack}. */
export interface TenantRouterStackProps extends Omit<StackProps, 'env'> {
  /** The validated configuration; it fixes the stack's account and region. */
  readonly config: InfraConfig;
  /** @default the bundled edge function (see {@link TenantRouter}) */
  readonly code?: Code;
}

/**
 * The stack `cdk deploy` creates in `config.primaryRegion` (plus the function's us-east-1 stack).
 *
 * @example
 * new TenantRouterStack(app, config.stackName, { config });
 */
export class TenantRouterStack extends Stack {
  /** The router construct inside the stack. */
  readonly router: TenantRouter;
  /** The alarm topic, the dashboard and CloudFront's additional metrics. */
  readonly monitoring: RouterMonitoring;

  constructor(scope: Construct, id: string, props: TenantRouterStackProps) {
    const { config, code, ...stackProps } = props;
    super(scope, id, {
      ...stackProps,
      env: { account: config.account, region: config.primaryRegion },
      // The us-east-1 observability stack reads the distribution id (CloudFront's metrics are there).
      crossRegionReferences: config.primaryRegion !== 'us-east-1',
    });
    this.router = new TenantRouter(this, 'TenantRouter', { config, ...(code === undefined ? {} : { code }) });
    this.monitoring = new RouterMonitoring(this, 'Monitoring', {
      config,
      distribution: this.router.cdn.distribution,
    });

    const { domains } = this.router;
    if (domains === undefined)
      new CfnOutput(this, 'DistributionDomainName', {
        description: 'Point tenant domains here (CNAME or alias record)',
        value: this.router.cdn.distribution.distributionDomainName,
      });
    else {
      new CfnOutput(this, 'RoutingEndpoint', {
        description: "Customers' CNAME target: the connection group's routing endpoint",
        value: domains.connectionGroup.attrRoutingEndpoint,
      });
      new CfnOutput(this, 'ConnectionGroupId', {
        description: 'npm run domains --connection-group (ETR_CONNECTION_GROUP)',
        value: domains.connectionGroup.attrId,
      });
      new CfnOutput(this, 'DomainsOperatorPolicyArn', {
        description: 'Attach to the role that runs npm run domains: nothing else is needed',
        value: domains.operatorPolicy.policy.managedPolicyArn,
      });
    }
    new CfnOutput(this, 'DistributionId', {
      description: 'npm run domains --distribution-id (ETR_DISTRIBUTION_ID)',
      value: this.router.cdn.distribution.distributionId,
    });
    new CfnOutput(this, 'TableName', { value: this.router.table.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Every router alarm of every region is published here',
      value: this.monitoring.notifications.topic.topicArn,
    });
    new CfnOutput(this, 'OriginSecretArn', {
      description: `Secret regional origins compare with the ${config.router.originSecretHeader} header`,
      value: this.router.cdn.originSecret.secretArn,
    });
  }
}
