/**
 * What a multi-tenant distribution needs besides itself (CloudFront SaaS Manager): the connection
 * group every customer domain's CNAME points at, the platform's own domains as one distribution
 * tenant with the platform's certificate (a managed certificate cannot cover a wildcard), and the
 * operator policy `npm run domains` runs with. Customer domains are not here: the tool creates
 * their distribution tenants at run time, one per host (docs/custom-domains.md).
 */
import { Stack } from 'aws-cdk-lib';
import { CfnConnectionGroup, CfnDistributionTenant, type Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DomainsOperatorPolicy } from './domains-operator-policy.ts';
import type { InfraConfig } from './infra-config.ts';

/** Props of {@link CustomerDomains}. */
export interface CustomerDomainsProps {
  readonly config: InfraConfig;
  /** The multi-tenant distribution. */
  readonly distribution: Distribution;
  /** The global table (its primary replica is the one write region). */
  readonly table: ITableV2;
}

/**
 * The connection group, the platform's distribution tenant and the operator policy.
 *
 * @example
 * const domains = new CustomerDomains(this, 'Domains', { config, distribution, table });
 * new CfnOutput(this, 'RoutingEndpoint', { value: domains.connectionGroup.attrRoutingEndpoint });
 */
export class CustomerDomains extends Construct {
  /** The DNS target of every tenant domain (`attrRoutingEndpoint`), `<stackName>-domains`. */
  readonly connectionGroup: CfnConnectionGroup;
  /** `domainNames` with `certificateArn`, when configured. */
  readonly platformTenant: CfnDistributionTenant | undefined;
  /** What `npm run domains` needs, and nothing else. */
  readonly operatorPolicy: DomainsOperatorPolicy;

  constructor(scope: Construct, id: string, props: CustomerDomainsProps) {
    super(scope, id);
    const { config, distribution } = props;
    this.connectionGroup = new CfnConnectionGroup(this, 'ConnectionGroup', {
      name: `${config.stackName}-domains`,
      enabled: true,
      // IPv6 is a connection group setting on SaaS Manager (the distribution's IsIPV6Enabled is refused).
      ipv6Enabled: true,
    });
    this.platformTenant =
      config.certificateArn === undefined || config.domainNames.length === 0
        ? undefined
        : new CfnDistributionTenant(this, 'PlatformTenant', {
            distributionId: distribution.distributionId,
            name: `${config.stackName}-platform`,
            domains: [...config.domainNames],
            connectionGroupId: this.connectionGroup.attrId,
            enabled: true,
            customizations: { certificate: { arn: config.certificateArn } },
          });
    this.operatorPolicy = new DomainsOperatorPolicy(this, 'OperatorPolicy', {
      distributionArn: distribution.distributionArn,
      connectionGroupArn: this.connectionGroup.attrArn,
      account: Stack.of(this).account,
      table: props.table,
    });
  }
}
