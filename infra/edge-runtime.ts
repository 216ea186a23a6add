/**
 * The Lambda runtime of the edge function, one setting (`edgeFunction.runtime`), and the esbuild
 * target the bundle is built for, kept in step with it. Only runtimes AWS's Lambda@Edge
 * restrictions page lists: an unsupported one fails the distribution update at deploy time
 * (`InvalidLambdaFunctionAssociation`). docs/deploying.md#runtime
 */

/** Runtime -> the esbuild target of the bundle that runs on it. */
export const EDGE_RUNTIME_TARGETS = {
  'nodejs22.x': 'node22',
  'nodejs20.x': 'node20',
} as const;

/** A Node.js runtime the Lambda@Edge restrictions page lists as supported. */
export type EdgeRuntime = keyof typeof EDGE_RUNTIME_TARGETS;

/**
 * The newest runtime the "Restrictions on Lambda@Edge" page of the CloudFront Developer Guide
 * confirms (Node.js 22; nodejs24.x is not listed there).
 */
export const DEFAULT_EDGE_RUNTIME: EdgeRuntime = 'nodejs22.x';

/** The runtimes, for validation messages. */
export const EDGE_RUNTIMES = Object.keys(EDGE_RUNTIME_TARGETS) as EdgeRuntime[];

/** The esbuild target for a runtime. */
export function bundleTargetOf(runtime: EdgeRuntime): string {
  return EDGE_RUNTIME_TARGETS[runtime];
}
