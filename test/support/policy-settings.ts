/**
 * Deployment settings for CloudFront policies that list what they pass (rather than the
 * AllViewer defaults), shared by the synth test (what CDK deploys) and the local-edge test (what
 * the emulator passes for the same settings).
 */
export const LISTED_POLICY_SETTINGS = {
  originRequest: {
    headers: ['Accept-Language'],
    cloudFrontHeaders: ['CloudFront-Viewer-Country'],
    cookies: ['session'],
    queryStrings: 'none',
  },
  cacheKeyHeaders: ['Authorization'],
} as const;
