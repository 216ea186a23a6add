/**
 * The AWS regions with a CloudFront regional edge cache: where origin-request Lambda@Edge
 * functions run (`AWS_REGION` is one of these), so where their logs and metrics land. CloudFront
 * runs origin-facing functions at regional edge caches
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowCloudFrontWorks.html#CloudFrontRegionaledgecaches)
 * and writes their logs in the region where they ran
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html);
 * CloudFront's pages name the caches by city; the list of region codes lives with the rest of the
 * geography in `region-geography-data.ts` (sources: docs/geography.md, docs/observability.md).
 */
import type { Region } from './model.ts';
import { REGIONAL_EDGE_CACHE_REGIONS } from './region-geography-data.ts';

/** The 13 regional edge cache regions, from the geography data (docs/geography.md). */
export { REGIONAL_EDGE_CACHE_REGIONS };

/** The regional edge cache regions as {@link Region} values. */
export const EDGE_REGIONS: readonly Region[] =
  REGIONAL_EDGE_CACHE_REGIONS as readonly string[] as readonly Region[];

/** The log group Lambda@Edge writes to in every region it runs in (the `us-east-1.` prefix is the function's home). */
export function edgeLogGroupName(functionName: string): string {
  return `/aws/lambda/us-east-1.${functionName}`;
}
