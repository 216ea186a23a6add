/**
 * The router's own answer to a request, with CloudFront's host gate out of the way: the control
 * API's `POST /invoke` runs the function on an origin-request event, as CloudFront would once it
 * has accepted the host. For tests of what the router answers to hosts CloudFront itself refuses
 * first (malformed names, IP number forms): through the emulator those get CloudFront's 403.
 */
import type { CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import { anOriginRequestEvent } from '../../scripts/lib/origin-request-event.ts';

/** What the function did with the event. */
export type RouterAnswer =
  | { readonly kind: 'response'; readonly status: number; readonly json: unknown }
  | { readonly kind: 'forward'; readonly request: CloudFrontRequest };

/** Runs the function of the local edge at `controlUrl` on a GET of `path` for `host`. */
export async function invokeRouter(
  controlUrl: string,
  host: string,
  options: { readonly path?: string; readonly edgeRegion?: string } = {},
): Promise<RouterAnswer> {
  const query = options.edgeRegion === undefined ? '' : `?edgeRegion=${options.edgeRegion}`;
  const res = await fetch(`${controlUrl}/invoke${query}`, {
    method: 'POST',
    body: JSON.stringify(anOriginRequestEvent({ hosts: [host], uri: options.path ?? '/' })),
  });
  const body = (await res.json()) as { ok: boolean; error?: string; result?: unknown };
  if (res.status !== 200 || !body.ok)
    throw new Error(`/invoke failed: ${res.status} ${JSON.stringify(body)}`);
  const result = body.result as CloudFrontResultResponse | CloudFrontRequest;
  if ('status' in result && typeof result.status === 'string') {
    let json: unknown;
    try {
      json = JSON.parse(result.body ?? '');
    } catch {
      json = undefined;
    }
    return { kind: 'response', status: Number(result.status), json };
  }
  return { kind: 'forward', request: result as CloudFrontRequest };
}
