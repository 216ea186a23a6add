/**
 * How a replica endpoint passes a request on to its region's store: reads are piped through as
 * they come; writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem) go through the replicator,
 * which performs them in turn with the region's other writes and replicates what they changed.
 * A store that is down drops the connection, as an unreachable endpoint would.
 */
import {
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { Replicator } from '../lib/replication/replicator.ts';
import { type WriteOperation, writeOperationOf, writtenItems } from '../lib/replication/written-items.ts';

/** What the forwarder counts. */
export interface ForwardCounters {
  forwarded: number;
  upstreamErrors: number;
}

/** Where and how to forward. */
export interface ForwarderOptions {
  readonly region: string;
  /** The region's store, `http://127.0.0.1:<port>`. */
  readonly store: string;
  readonly replicator: Replicator;
  readonly agent: Agent;
  readonly counters: ForwardCounters;
}

/** A store's answer, buffered. */
interface StoreAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The forward function of one endpoint. */
export function replicaForwarder(options: ForwarderOptions) {
  const target = new URL(options.store);
  const upstream = (req: IncomingMessage) =>
    request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: options.agent,
    });
  const dropped = (req: IncomingMessage) => {
    // The store itself is down: drop the connection, as an unreachable endpoint would.
    options.counters.upstreamErrors++;
    req.socket.destroy();
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    options.counters.forwarded++;
    const operation = writeOperationOf(req.headers['x-amz-target']);
    if (operation === undefined) {
      const up = upstream(req);
      up.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => dropped(req));
      req.pipe(up);
      return;
    }
    forwardWrite(req, res, operation, options, upstream).catch(() => dropped(req));
  };
}

/** A write: body read whole, performed through the replicator, answered once replicated. */
async function forwardWrite(
  req: IncomingMessage,
  res: ServerResponse,
  operation: WriteOperation,
  options: ForwarderOptions,
  upstream: (req: IncomingMessage) => ReturnType<typeof request>,
): Promise<void> {
  const body = await readAll(req);
  const answer = await options.replicator.write(options.region, async () => {
    const result = await send(upstream(req), body);
    const written = result.status === 200 ? writtenItems(operation, parse(body), parse(result.body)) : [];
    return { result, written };
  });
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function send(up: ReturnType<typeof request>, body: Buffer): Promise<StoreAnswer> {
  return new Promise((resolve, reject) => {
    up.on('response', (answer) => {
      readAll(answer).then(
        (buffer) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: buffer }),
        reject,
      );
    });
    up.on('error', reject);
    up.end(body);
  });
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
