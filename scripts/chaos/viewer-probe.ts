/**
 * One viewer request to the local edge, reduced to what the verdict needs; a request that got no
 * response becomes an error kind instead of a rejection.
 */
import type { Agent } from 'node:http';
import { errorKind } from '../loadtest/open-loop-driver.ts';
import { viewerRequest } from '../local-edge/viewer-client.ts';
import type { ViewerObservation } from './viewer-verdict.ts';

/** What one request saw, with the router's own time when the response had one. */
export interface Observation extends ViewerObservation {
  readonly routerMs?: number;
}

/** Sends `host` to the emulator at `url` from `edgeRegion`; never rejects. */
export async function observe(
  url: string,
  host: string,
  agent: Agent,
  edgeRegion: string,
): Promise<Observation> {
  try {
    const res = await viewerRequest(url, { host, agent, edgeRegion, timeoutMs: 10_000 });
    return {
      status: res.status,
      headers: res.headers,
      body: res.body,
      ...(res.routerMs === undefined ? {} : { routerMs: res.routerMs }),
    };
  } catch (error) {
    return { error: errorKind(error) };
  }
}
