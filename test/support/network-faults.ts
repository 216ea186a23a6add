/**
 * Endpoints that misbehave at the TCP level, for timeout and failover tests: one that accepts
 * connections and never answers, and one that refuses them.
 */

import { createServer as createHttpServer } from 'node:http';
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

/** An HTTP server that answers every request with one DynamoDB-style error. */
export interface ErrorServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Options of {@link startErrorServer}. */
export interface ErrorServerOptions {
  /** @default 400 */
  readonly status?: number;
  /** The DynamoDB error type. @default 'ProvisionedThroughputExceededException' (throttling) */
  readonly type?: string;
}

/**
 * Starts a server that speaks just enough of the DynamoDB JSON protocol to fail every call the way
 * DynamoDB does (throttling by default, or e.g. `{ status: 500, type: 'InternalServerError' }`).
 */
export async function startErrorServer(options: ErrorServerOptions = {}): Promise<ErrorServer> {
  const status = options.status ?? 400;
  const type = options.type ?? 'ProvisionedThroughputExceededException';
  let requests = 0;
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      const body = JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${type}`,
        message: `test: ${type}`,
      });
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `test-${requests}`,
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
