/**
 * A CloudFront SaaS Manager multi-tenant distribution from the router's distribution: the same
 * origins, cache behaviour (cache and origin request policies, the origin-request function),
 * logging and web ACL, set on its L1 `CfnDistribution` as `ConnectionMode: tenant-only` with a
 * `TenantConfig`, minus what a multi-tenant distribution refuses (`PriceClass`, `IPV6Enabled`:
 * connection group settings there; `Aliases` and a viewer certificate: the tenants carry domains
 * and certificates). The fields refused are those the CloudFront API reference marks "only
 * supports standard distributions" (AWS::CloudFront::Distribution DistributionConfig; the
 * Terraform provider's aws_cloudfront_multitenant_distribution leaves the same ones out).
 */
import type { CfnDistribution, Distribution } from 'aws-cdk-lib/aws-cloudfront';

/** Fields of DistributionConfig a multi-tenant distribution does not take, which the L2 sets. */
export const STANDARD_ONLY_FIELDS = ['PriceClass', 'IPV6Enabled'] as const;

/**
 * Makes `distribution` multi-tenant (in place, through its L1).
 *
 * @example
 * const distribution = new Distribution(this, 'Distribution', { defaultBehavior });
 * makeTenantOnly(distribution);
 */
export function makeTenantOnly(distribution: Distribution): void {
  const cfn = distribution.node.defaultChild as CfnDistribution;
  cfn.addPropertyOverride('DistributionConfig.ConnectionMode', 'tenant-only');
  // No tenant parameters: the router picks each request's origin from the table, so a migration
  // or a region drain is one table write, never an UpdateDistributionTenant per tenant.
  cfn.addPropertyOverride('DistributionConfig.TenantConfig', { ParameterDefinitions: [] });
  for (const field of STANDARD_ONLY_FIELDS) cfn.addPropertyDeletionOverride(`DistributionConfig.${field}`);
}
