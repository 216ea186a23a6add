/**
 * Limits of Lambda@Edge that bound the router's own settings, from "Quotas on Lambda@Edge"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 */

/**
 * The longest an origin-request (or origin-response) function may run: 30 seconds. No lookup
 * attempt, and no read still in flight in a live invocation, can last longer.
 */
export const ORIGIN_TRIGGER_TIMEOUT_LIMIT_MS = 30_000;
