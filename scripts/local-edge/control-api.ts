/**
 * The local edge's control API (its own port): status and counters, direct invocation of the
 * handler with a raw event (to replay events captured in production), and the fault settings of
 * the replica endpoints.
 *
 *   GET    /status                 endpoints, regions, handler build, counters, faults
 *   POST   /invoke[?edgeRegion=R]  body: origin-request event -> handler output + rule verdict
 *   GET    /faults                 region -> fault setting
 *   PUT    /faults/<region>        body: {"mode": "slow", "delayMs": 500, "share": 1}
 *   PUT    /faults                 the same body, for every region (a whole-table outage)
 *   DELETE /faults/<region>        back to normal (DELETE /faults: every region)
 *   GET    /replication            region -> paused, pending, applied, lag
 *   PUT    /replication/<region>   body {"paused": true}: the replication fault (writes into the
 *                                  region queue up); {"paused": false} or DELETE resumes
 *   POST   /counters/reset         zeroes the counters
 *   GET    /logs[?after=N]         the function's lines in every emulated region (function-log.ts)
 *   GET    /dashboard[/state|/events]  the live dashboard (dashboard-routes.ts)
 *   /cloudfront..., /dns                the local CloudFront control plane and DNS (cloudfront/cloudfront-routes.ts)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { REGION_PATTERN } from '../../edge/model.ts';
import { listenOn } from '../lib/listening-server.ts';
import type { Replicator } from '../lib/replication/replicator.ts';
import { routeCloudFront } from './cloudfront/cloudfront-routes.ts';
import type { LocalCloudFront } from './cloudfront/local-cloudfront.ts';
import { checkOriginRequestResult } from './cloudfront-rules.ts';
import { serveDashboard } from './dashboard-routes.ts';
import type { DashboardState } from './dashboard-state.ts';
import type { EdgeFunction } from './edge-function.ts';
import type { FunctionLog } from './function-log.ts';
import { type FaultSetting, parseFaultSetting, type ReplicaProxy } from './replica-proxy.ts';

/** Largest request body accepted (Lambda's synchronous payload limit). */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Options of {@link startControlApi}. */
export interface ControlApiOptions {
  /** The `/status` document. */
  readonly status: () => unknown;
  readonly edgeFunction: EdgeFunction;
  readonly defaultEdgeRegion: string;
  /** The edge regions `/invoke` may run in. */
  readonly edgeRegions: ReadonlySet<string>;
  readonly replicas: ReadonlyMap<string, ReplicaProxy>;
  readonly replicator: Replicator;
  readonly resetCounters: () => void;
  /** The function's lines, for `GET /logs`. */
  readonly functionLog: FunctionLog;
  /** The dashboard's state, for `/dashboard`. */
  readonly dashboard: DashboardState;
  /** The local CloudFront control plane, for `/cloudfront` and `/dns`. @default none */
  readonly cloudFront?: LocalCloudFront | undefined;
  /** @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

/** A running control API. */
export interface ControlApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the control API. Rejects with the listen error when the port is taken. */
export async function startControlApi(options: ControlApiOptions): Promise<ControlApi> {
  const server: Server = createServer((req, res) => {
    if (serveDashboard(req, res, options.dashboard)) return;
    routeControlRequest(req, options).then(
      ({ status, body }) => send(res, status, body),
      (error: unknown) => {
        req.resume();
        if (error instanceof HttpError) send(res, error.status, { error: error.message });
        else send(res, 500, { error: error instanceof Error ? error.message : String(error) });
      },
    );
  });
  const listening = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return { url: listening.url, port: listening.port, close: listening.close };
}

/** A control API answer: status and JSON body (none for 204). */
interface ControlAnswer {
  readonly status: number;
  readonly body?: unknown;
}

/** Dispatches one request; throws {@link HttpError} for a bad one. */
async function routeControlRequest(req: IncomingMessage, options: ControlApiOptions): Promise<ControlAnswer> {
  const url = new URL(req.url ?? '/', 'http://control');
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/status' && method === 'GET') return { status: 200, body: options.status() };
  if (path === '/invoke' && method === 'POST') return invoke(req, url, options);
  if (path === '/faults' || path.startsWith('/faults/')) {
    const answer = await faultRoute(req, method, path, options.replicas);
    if (answer !== undefined) return answer;
  }
  if (path === '/logs' && method === 'GET') {
    const after = url.searchParams.get('after');
    if (after !== null && !/^\d+$/.test(after)) throw new HttpError(400, 'after must be a sequence number');
    return {
      status: 200,
      body: { lines: options.functionLog.lines(after === null ? undefined : Number(after)) },
    };
  }
  if (path === '/replication' || path.startsWith('/replication/')) {
    const answer = await replicationRoute(req, method, path, options.replicator);
    if (answer !== undefined) return answer;
  }
  const cloudFront =
    options.cloudFront && routeCloudFront(options.cloudFront, method, path, () => readJson(req));
  if (cloudFront !== undefined) {
    const answer = await cloudFront;
    if ('problem' in answer) throw new HttpError(400, answer.problem);
    return answer;
  }
  if (path === '/counters/reset' && method === 'POST') {
    options.resetCounters();
    return { status: 204 };
  }
  throw new HttpError(404, `no route ${method} ${path}; see GET /status and docs/local-edge.md`);
}

/** `POST /invoke[?edgeRegion=R]`: runs the handler on a raw event and checks its output. */
async function invoke(req: IncomingMessage, url: URL, options: ControlApiOptions): Promise<ControlAnswer> {
  const edgeRegion = url.searchParams.get('edgeRegion') ?? options.defaultEdgeRegion;
  if (!REGION_PATTERN.test(edgeRegion)) throw new HttpError(400, 'edgeRegion must be an AWS region name');
  if (!options.edgeRegions.has(edgeRegion))
    throw new HttpError(
      400,
      `edgeRegion must be a regional edge cache region: ${[...options.edgeRegions].join(', ')}`,
    );
  const event = (await readJson(req)) as CloudFrontRequestEvent;
  if (typeof event !== 'object' || event === null || !Array.isArray(event.Records)) {
    throw new HttpError(
      400,
      'body must be an origin-request event: {"Records":[{"cf":{"config":...,"request":...}}]}',
    );
  }
  const snapshot = structuredClone(event);
  const invocation = await options.edgeFunction.invoke(edgeRegion, event);
  const { durationMs } = invocation;
  if (!invocation.ok) {
    return {
      status: 200,
      body: { edgeRegion, durationMs, ok: false, error: invocation.error, timedOut: invocation.timedOut },
    };
  }
  return {
    status: 200,
    body: {
      edgeRegion,
      durationMs,
      ok: true,
      result: invocation.result,
      verdict: checkOriginRequestResult(snapshot, invocation.result),
    },
  };
}

/** The `/faults` and `/faults/<region>` routes; undefined for a method they do not take. */
async function faultRoute(
  req: IncomingMessage,
  method: string,
  path: string,
  replicas: ReadonlyMap<string, ReplicaProxy>,
): Promise<ControlAnswer | undefined> {
  const faults = () => Object.fromEntries([...replicas].map(([region, replica]) => [region, replica.fault]));
  const setAll = async (fault: FaultSetting) => {
    await Promise.all([...replicas.values()].map((r) => r.setFault(fault)));
    return { status: 200, body: faults() };
  };
  const one = /^\/faults\/([^/]+)$/.exec(path);
  if (one === null && path !== '/faults') return undefined;
  if (one === null) {
    if (method === 'GET') return { status: 200, body: faults() };
    if (method === 'PUT' || method === 'POST') return setAll(await readFault(req));
    if (method === 'DELETE') return setAll({ mode: 'normal' });
    return undefined;
  }
  const region = decodeURIComponent(one[1] as string);
  const replica = replicas.get(region);
  if (replica === undefined) {
    throw new HttpError(
      404,
      `no replica endpoint for ${JSON.stringify(region)}; regions: ${[...replicas.keys()].join(', ')}`,
    );
  }
  const show = () => ({
    status: 200,
    body: { region: replica.region, fault: replica.fault satisfies FaultSetting },
  });
  if (method === 'PUT' || method === 'POST') await replica.setFault(await readFault(req));
  else if (method === 'DELETE') await replica.setFault({ mode: 'normal' });
  else if (method !== 'GET') return undefined;
  return show();
}

/** The `/replication` and `/replication/<region>` routes; undefined for a method they do not take. */
async function replicationRoute(
  req: IncomingMessage,
  method: string,
  path: string,
  replicator: Replicator,
): Promise<ControlAnswer | undefined> {
  if (path === '/replication')
    return method === 'GET' ? { status: 200, body: replicator.status() } : undefined;
  const region = decodeURIComponent(path.slice('/replication/'.length));
  if (!replicator.regions.includes(region)) {
    throw new HttpError(
      404,
      `no replica region ${JSON.stringify(region)}; regions: ${replicator.regions.join(', ')}`,
    );
  }
  if (method === 'PUT' || method === 'POST') {
    const body = (await readJson(req)) as { paused?: unknown } | null;
    const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
    if (typeof body?.paused !== 'boolean' || keys.length !== 1)
      throw new HttpError(400, 'body must be {"paused": true} or {"paused": false}');
    if (body.paused) replicator.pause(region);
    else replicator.resume(region);
  } else if (method === 'DELETE') replicator.resume(region);
  else if (method !== 'GET') return undefined;
  return { status: 200, body: { region, ...replicator.status()[region] } };
}

/** Reads and validates a fault setting body; a bad one is a 400. */
async function readFault(req: IncomingMessage): Promise<FaultSetting> {
  const parsed = parseFaultSetting(await readJson(req));
  if (!parsed.ok) throw new HttpError(400, parsed.problem);
  return parsed.fault;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}
