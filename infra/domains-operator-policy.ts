/**
 * The least-privilege policy `npm run domains` runs with, as a managed policy operators attach to
 * their role: exactly the CloudFront calls the tool makes (scripts/lib/domains/domain-cdn.ts), the
 * ACM calls CloudFront makes with the caller's permissions when it requests a managed certificate,
 * and the DynamoDB calls of the onboarding records and the claim protocol, on the table's primary
 * replica only (the one write region: a write to another replica is denied, not just unwise).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The CloudFront calls of the tool on distribution tenants (create, read, update, delete, certificate). */
export const TENANT_ACTIONS = [
  'cloudfront:CreateDistributionTenant',
  'cloudfront:GetDistributionTenant',
  'cloudfront:GetDistributionTenantByDomain',
  'cloudfront:UpdateDistributionTenant',
  'cloudfront:DeleteDistributionTenant',
  'cloudfront:GetManagedCertificateDetails',
  // CreateDistributionTenant with Tags (the router tenant that onboarded the host).
  'cloudfront:TagResource',
] as const;

/** The DynamoDB calls of the tool: onboarding records (get, put, delete, scan) and claims (update). */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Scan',
] as const;

/** Props of {@link DomainsOperatorPolicy}. */
export interface DomainsOperatorPolicyProps {
  readonly distributionArn: string;
  readonly connectionGroupArn: string;
  readonly account: string;
  /** The global table: only its primary replica (`tableArn`) is granted. */
  readonly table: ITableV2;
}

/**
 * The operator policy of customer domains.
 *
 * @example
 * const { policy } = new DomainsOperatorPolicy(this, 'OperatorPolicy', { distributionArn, connectionGroupArn, account, table });
 * operatorRole.addManagedPolicy(policy);
 */
export class DomainsOperatorPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: DomainsOperatorPolicyProps) {
    super(scope, id);
    const partition = Stack.of(this).partition;
    // Tenants are created at run time with ids CloudFront picks: the account's tenant ARNs are the
    // narrowest resource that names them (CloudFront ARNs are global, no region).
    const tenantArns = `arn:${partition}:cloudfront::${props.account}:distribution-tenant/*`;
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'npm run domains: distribution tenants of the router distribution, and the router table',
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...TENANT_ACTIONS],
          resources: [props.distributionArn, tenantArns],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['cloudfront:GetConnectionGroup'],
          resources: [props.connectionGroupArn],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          // CloudFront requests the managed certificate with the caller's permissions (the
          // CloudFormation handler of AWS::CloudFront::DistributionTenant needs the same two).
          actions: ['acm:RequestCertificate', 'acm:DescribeCertificate'],
          resources: ['*'],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...TABLE_ACTIONS],
          resources: [props.table.tableArn],
        }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudfront::${props.account}:distribution-tenant/*]`,
      reason:
        'Distribution tenants get their ids from CloudFront at run time: the account-wide tenant ARN ' +
        'pattern is the narrowest resource that names them (beside the one distribution).',
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only acm:RequestCertificate and acm:DescribeCertificate: RequestCertificate takes no resource, and ' +
        'the certificate CloudFront requests for a new tenant does not exist before the call.',
    });
  }
}
