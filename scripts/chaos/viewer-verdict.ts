/**
 * What a viewer saw, judged against what the router owes it: a cached active tenant must be served
 * by its own tenant's origin in an allowed region; an uncached one may instead get a clear 503
 * (`lookup-failed` with Retry-After) while the table is unreachable; anything else is a failure,
 * and a response for the wrong tenant or region is a misroute. Pure.
 */

/** What the viewer was owed. */
export interface ViewerExpectation {
  readonly host: string;
  readonly tenantId: string;
  /** Regions allowed to answer: the home region, plus the target while the tenant migrates. */
  readonly regions: readonly string[];
  /** Whether the route was in the edge's cache before the faults (warmed). */
  readonly cached: boolean;
}

/** What came back (or did not). */
export interface ViewerObservation {
  readonly status?: number;
  /** Error kind when no response arrived (`timeout`, `ECONNRESET`, ...). */
  readonly error?: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: string;
}

/** The judgement of one request. */
export type ViewerVerdict =
  | { readonly kind: 'ok'; readonly region: string }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'failed'; readonly why: string }
  | { readonly kind: 'misrouted'; readonly why: string };

interface Echo {
  readonly region?: unknown;
  readonly domainName?: unknown;
  readonly host?: unknown;
  readonly xTenantId?: unknown;
  readonly xForwardedHost?: unknown;
}

function parse(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}

/**
 * Judges one response.
 *
 * @example
 * judgeViewerResponse({ host: 'a.app.example.com', tenantId: 'a', regions: ['eu-west-1'], cached: true }, res);
 */
export function judgeViewerResponse(expected: ViewerExpectation, seen: ViewerObservation): ViewerVerdict {
  if (seen.status === undefined)
    return { kind: 'failed', why: `no response (${seen.error ?? 'unknown error'})` };
  if (seen.status === 200) {
    const echo = parse(seen.body) as Echo | undefined;
    if (typeof echo !== 'object' || echo === null || typeof echo.region !== 'string') {
      return { kind: 'failed', why: '200 without an origin echo' };
    }
    if (echo.xTenantId !== expected.tenantId) {
      return { kind: 'misrouted', why: `${expected.host} served as tenant ${String(echo.xTenantId)}` };
    }
    if (!expected.regions.includes(echo.region)) {
      return {
        kind: 'misrouted',
        why: `${expected.host} served by ${echo.region}, expected ${expected.regions.join(' or ')}`,
      };
    }
    if (echo.xForwardedHost !== expected.host || echo.host !== echo.domainName) {
      return { kind: 'misrouted', why: `${expected.host} reached the origin with the wrong Host headers` };
    }
    return { kind: 'ok', region: echo.region };
  }
  const json = parse(seen.body) as { error?: unknown } | undefined;
  const retryAfter = seen.headers?.['retry-after'];
  const clear503 = seen.status === 503 && json?.error === 'lookup-failed' && retryAfter !== undefined;
  if (clear503 && !expected.cached) return { kind: 'unavailable' };
  const reason = typeof json?.error === 'string' ? json.error : 'no JSON error';
  return {
    kind: 'failed',
    why: `${seen.status} ${reason}${expected.cached ? ' for a cached tenant' : ''}`,
  };
}
