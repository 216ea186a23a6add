/**
 * What the distribution's cache policy and origin request policy let through, as data: derived
 * from the deployment configuration, mapped to CDK by `router-distribution.ts`, and applied by the
 * local CloudFront emulator to every viewer request, so the local edge passes exactly what
 * CloudFront would. Pure (no CDK imports: the local edge loads this). docs/deploying.md#cloudfront-policies
 */

/** `'all'`, `'none'`, or exactly these names. */
export type Selection = 'all' | 'none' | readonly string[];

/** The origin request settings of the deployment configuration (`originRequest`). */
export interface OriginRequestSettings {
  /**
   * `'allViewer'`: every viewer header, as CloudFront's managed AllViewer policy; or exactly these
   * (Host is always added: the router routes on it).
   */
  readonly headers: 'allViewer' | readonly string[];
  /** CloudFront's own headers added to the origin request (`CloudFront-Viewer-Country`, ...). */
  readonly cloudFrontHeaders: readonly string[];
  readonly cookies: Selection;
  readonly queryStrings: Selection;
}

/** The two policies, names as configured, with what is always included made explicit. */
export interface CloudFrontPolicies {
  readonly cacheKey: {
    /** Headers in the cache key (Host first); they also reach the origin. */
    readonly headers: readonly string[];
  };
  readonly originRequest: {
    /** `allViewer`, or exactly these viewer headers (besides the cache key's). */
    readonly headers: 'allViewer' | readonly string[];
    readonly cloudFrontHeaders: readonly string[];
    readonly cookies: Selection;
    readonly queryStrings: Selection;
  };
}

/** The header the router routes on: in the cache key (tenants never share a page) and always sent. */
export const ROUTER_INPUT_HEADER = 'Host';

/**
 * Headers no origin request policy may name, with how to forward them instead. CloudFront answers
 * HTTP 400 to an origin request policy naming Authorization: it must be in the cache key, so the
 * cache never answers one viewer's authorised request to another
 * (https://repost.aws/knowledge-center/cloudfront-authorization-header).
 */
export const ORIGIN_REQUEST_POLICY_REFUSES: Readonly<Record<string, string>> = {
  authorization:
    'CloudFront rejects an origin request policy naming Authorization (HTTP 400): put it in cacheKeyHeaders, the cache policy, which forwards it and keys the cache on it',
};

/** The policies of a deployment configuration. */
export function cloudFrontPolicies(settings: {
  readonly originRequest: OriginRequestSettings;
  readonly cacheKeyHeaders: readonly string[];
}): CloudFrontPolicies {
  const { originRequest } = settings;
  return {
    cacheKey: { headers: [ROUTER_INPUT_HEADER, ...settings.cacheKeyHeaders] },
    originRequest: {
      headers: originRequest.headers,
      cloudFrontHeaders: originRequest.cloudFrontHeaders,
      cookies: originRequest.cookies,
      queryStrings: originRequest.queryStrings,
    },
  };
}

/**
 * Whether a viewer header (lowercase) reaches the origin-request function and the origin: named by
 * the cache key, or by the origin request policy. Authorization only through the cache key: an
 * origin request policy cannot forward it (see {@link ORIGIN_REQUEST_POLICY_REFUSES}).
 */
export function forwardsViewerHeader(policies: CloudFrontPolicies, name: string): boolean {
  const named = (list: readonly string[]) => list.some((h) => h.toLowerCase() === name);
  if (named(policies.cacheKey.headers)) return true;
  if (Object.hasOwn(ORIGIN_REQUEST_POLICY_REFUSES, name)) return false;
  const { headers } = policies.originRequest;
  return headers === 'allViewer' || named(headers);
}

/** Whether a selection keeps a name (cookie names and query parameters are case-sensitive). */
export function selects(selection: Selection, name: string): boolean {
  return selection === 'all' || (selection !== 'none' && selection.includes(name));
}
