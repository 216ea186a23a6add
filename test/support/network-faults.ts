/**
 * Endpoints that misbehave, for timeout, failover and replica-order tests: one that accepts
 * connections and never answers, one that refuses them, and a replica stand-in whose fault can be
 * switched: DynamoDB errors, slow (requests passed on to a real endpoint late) or none.
 */

import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';

/** A server that accepts TCP connections, reads whatever is sent, and never answers. */
export interface HangingServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Accepted connections the client has since closed (the server never closes one itself). */
  readonly closedByClient: number;
  /** Resolves once every connection accepted so far has been closed by the client. */
  allClosed(): Promise<void>;
  /** Resolves once at least `count` connections have been accepted. */
  whenAccepted(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a {@link HangingServer} on an ephemeral loopback port. */
export async function startHangingServer(): Promise<HangingServer> {
  const open = new Set<Socket>();
  let accepted = 0;
  let closedByClient = 0;
  let closing = false;
  let waiters: Array<() => void> = [];
  const notify = () => {
    const pending = waiters;
    waiters = [];
    for (const wake of pending) wake();
  };
  const server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      if (!closing) closedByClient++;
      notify();
    });
    notify();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get closedByClient() {
      return closedByClient;
    },
    allClosed: () => until(() => open.size === 0),
    whenAccepted: (count) => until(() => accepted >= count),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An endpoint nothing listens on: a port that was just bound and released, so connecting to it is
 * refused at once (ECONNREFUSED).
 */
export async function refusingEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** What a {@link FaultyReplica} does with each request (the local edge's faults of the same names). */
export type ReplicaFault =
  | { readonly mode: 'error' }
  | { readonly mode: 'slow'; readonly delayMs: number }
  | { readonly mode: 'normal' };

/** An HTTP server standing in for a replica: DynamoDB errors, or a real endpoint's answers, late or not. */
export interface FaultyReplica {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Requests received so far (answered with the error or passed on). */
  readonly requests: number;
  /** What it does with the next request; `slow` and `normal` need `forwardTo`. */
  fault: ReplicaFault;
  close(): Promise<void>;
}

/** Options of {@link startFaultyReplica}. */
export interface FaultyReplicaOptions {
  /** Status of the error. @default 400 */
  readonly status?: number;
  /** The DynamoDB error type. @default 'ProvisionedThroughputExceededException' (throttling) */
  readonly type?: string;
  /** `http://host:port` that `slow` and `normal` pass requests on to (a real replica). */
  readonly forwardTo?: string;
  /** @default { mode: 'error' } */
  readonly fault?: ReplicaFault;
}

/**
 * Starts a server that speaks just enough of the DynamoDB JSON protocol to fail every call the way
 * DynamoDB does (throttling by default, or e.g. `{ status: 500, type: 'InternalServerError' }`),
 * or that passes calls on to `forwardTo`, after `delayMs` when `slow`.
 */
export async function startFaultyReplica(options: FaultyReplicaOptions = {}): Promise<FaultyReplica> {
  const status = options.status ?? 400;
  const type = options.type ?? 'ProvisionedThroughputExceededException';
  let requests = 0;
  let fault: ReplicaFault = options.fault ?? { mode: 'error' };
  const forwardTo = options.forwardTo === undefined ? undefined : new URL(options.forwardTo);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = createHttpServer((request, response) => {
    requests++;
    if (fault.mode === 'error') {
      request.resume();
      request.on('end', () => answerError(response, status, type, requests));
      return;
    }
    if (forwardTo === undefined) throw new Error(`a ${fault.mode} faulty replica needs forwardTo`);
    const pass = () => passOn(request, response, forwardTo);
    if (fault.mode === 'normal') return pass();
    const timer = setTimeout(() => {
      timers.delete(timer);
      pass();
    }, fault.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get fault() {
      return fault;
    },
    set fault(value) {
      fault = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerError(response: ServerResponse, status: number, type: string, n: number): void {
  const body = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${type}`,
    message: `test: ${type}`,
  });
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': `test-${n}`,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** Sends `request` on to `target` as it came (the body streamed once it arrives) and its answer back. */
function passOn(request: IncomingMessage, response: ServerResponse, target: URL): void {
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => response.destroy());
  request.pipe(upstream);
}
