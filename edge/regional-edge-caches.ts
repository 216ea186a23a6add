/**
 * The AWS regions with a CloudFront regional edge cache: where origin-request Lambda@Edge
 * functions run (`AWS_REGION` is one of these), so where their logs and metrics land. CloudFront
 * runs origin-facing functions at regional edge caches
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowCloudFrontWorks.html#CloudFrontRegionaledgecaches)
 * and writes their logs in the region where they ran
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html);
 * CloudFront's pages name the caches by city, the region codes are from CloudFront's locations
 * list as collected in docs/observability.md. Pure data.
 */
import type { Region } from './model.ts';

/** The 13 regional edge cache regions. */
export const REGIONAL_EDGE_CACHE_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'sa-east-1',
] as const satisfies readonly string[];

/** The regional edge cache regions as {@link Region} values. */
export const EDGE_REGIONS: readonly Region[] =
  REGIONAL_EDGE_CACHE_REGIONS as readonly string[] as readonly Region[];

/** The log group Lambda@Edge writes to in every region it runs in (the `us-east-1.` prefix is the function's home). */
export function edgeLogGroupName(functionName: string): string {
  return `/aws/lambda/us-east-1.${functionName}`;
}
