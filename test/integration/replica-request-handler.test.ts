/**
 * The replica clients' request handler over real sockets: a TLS handshake slower than the request
 * timeout behind a delay link still completes and its connection serves the next request; the
 * set-up and the request each have their own timeout; a dead kept-alive connection costs a resend;
 * an idle one is dropped on the wall clock. Counts connections and requests, never time.
 */
import { once } from 'node:events';
import { createServer as createPlainServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import type { HttpRequest } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { observeRequestPhases, ReplicaRequestHandler } from '../../edge/replica-request-handler.ts';
import { type DelayLink, startDelayLink } from '../../scripts/lib/network/delay-link.ts';
import { type LocalTlsCredentials, localTlsCredentials } from '../../scripts/lib/network/local-tls.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { type OkTlsServer, startOkTlsServer } from '../support/ok-tls-server.ts';

/** A handshake round trip long enough that the request timeout below is shorter than the set-up. */
const RTT_MS = 60;

let tls: LocalTlsCredentials;
let tlsServer: OkTlsServer;
let tlsPort: number;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  tls = await localTlsCredentials();
  tlsServer = await startOkTlsServer(tls);
  tlsPort = tlsServer.port;
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close();
  tlsServer.close();
});

function requestTo(protocol: 'http:' | 'https:', port: number): HttpRequest {
  return { protocol, hostname: '127.0.0.1', port, method: 'POST', path: '/', headers: {}, body: '{}' };
}

async function bodyOf(handler: ReplicaRequestHandler, request: HttpRequest, signal?: AbortSignal) {
  const { response } = await handler.handle(request, signal === undefined ? {} : { abortSignal: signal });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as IncomingMessage) chunks.push(chunk as Buffer);
  return { status: response.statusCode, body: Buffer.concat(chunks).toString() };
}

async function aLink(port: number, rttMs = RTT_MS): Promise<DelayLink> {
  const link = await startDelayLink({ target: { host: '127.0.0.1', port }, rttMs });
  closers.push(() => link.close());
  return link;
}

/** A plain HTTP server that counts connections and runs `onRequest` on every request. */
async function plainServer(onRequest: (socketRequests: number, socket: Socket, end: () => void) => void) {
  const connections: Socket[] = [];
  const perSocket = new Map<Socket, number>();
  const server = createPlainServer((req, res) => {
    const socket = req.socket;
    const n = (perSocket.get(socket) ?? 0) + 1;
    perSocket.set(socket, n);
    req.resume();
    req.on('end', () => onRequest(n, socket, () => res.end('ok')));
  });
  server.on('connection', (socket: Socket) => connections.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, connections };
}

describe('ReplicaRequestHandler', () => {
  it('lets a TLS handshake longer than the request timeout complete, and serves the next request on its connection', async () => {
    const link = await aLink(tlsPort);
    // Set-up costs 2 round trips (120 ms): longer than the request timeout, well within the set-up's.
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 20 * RTT_MS,
      requestTimeoutMs: RTT_MS + RTT_MS / 2,
      maxIdleConnectionMs: 60_000,
      ca: tls.caCertificate,
    });
    closers.push(() => handler.destroy());
    const phases: string[] = [];
    const signal = new AbortController().signal;
    observeRequestPhases(signal, {
      onConnecting: () => phases.push('connecting'),
      onSent: () => phases.push('sent'),
    });

    expect(await bodyOf(handler, requestTo('https:', link.port), signal)).toEqual({
      status: 200,
      body: 'ok',
    });
    expect(phases).toEqual(['connecting', 'sent']);
    expect(link.stats).toMatchObject({ connections: 1, roundTrips: 2 }); // handshake + request
    expect(handler.idleConnections).toBe(1);

    expect(await bodyOf(handler, requestTo('https:', link.port))).toEqual({ status: 200, body: 'ok' });
    expect(link.stats).toMatchObject({ connections: 1, roundTrips: 3 }); // no new handshake
  });

  it('ends a set-up that does not finish within its timeout, as a ConnectTimeout', async () => {
    // Accepts TCP and never speaks TLS.
    const accepted: Socket[] = [];
    const silent = createTcpServer((socket) => accepted.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    closers.push(() => {
      for (const socket of accepted) socket.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 50,
      requestTimeoutMs: 10_000,
      maxIdleConnectionMs: 60_000,
    });
    const port = (silent.address() as AddressInfo).port;

    await expect(handler.handle(requestTo('https:', port))).rejects.toMatchObject({
      name: 'TimeoutError',
      code: 'ConnectTimeout',
    });
    handler.destroy();
  });

  it('ends a request that is not answered within its timeout, counted from when it went out, as a RequestTimeout', async () => {
    const server = await plainServer(() => {}); // reads the request, never answers
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 50,
      maxIdleConnectionMs: 60_000,
    });

    await expect(handler.handle(requestTo('http:', server.port))).rejects.toMatchObject({
      name: 'TimeoutError',
      code: 'RequestTimeout',
    });
    handler.destroy();
  });

  it('fails a request answered late but keeps its connection, which serves the next request', async () => {
    let first = true;
    const server = await plainServer((_, __, end) => {
      if (!first) return end();
      first = false;
      setTimeout(end, 150); // the first answer comes after the request timeout
    });
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 50,
      maxIdleConnectionMs: 60_000,
    });
    closers.push(() => handler.destroy());

    await expect(handler.handle(requestTo('http:', server.port))).rejects.toMatchObject({
      code: 'RequestTimeout',
    });
    await vi.waitFor(() => expect(handler.idleConnections).toBe(1)); // the late answer was read
    expect(await bodyOf(handler, requestTo('http:', server.port))).toEqual({ status: 200, body: 'ok' });
    expect(server.connections).toHaveLength(1);
  });

  it('drops the connection of a request still unanswered after abandonAfterMs (hung)', async () => {
    const server = await plainServer(() => {}); // never answers
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 20,
      abandonAfterMs: 60,
      maxIdleConnectionMs: 60_000,
    });
    closers.push(() => handler.destroy());

    await expect(handler.handle(requestTo('http:', server.port))).rejects.toMatchObject({
      code: 'RequestTimeout',
    });
    await vi.waitFor(() => expect(server.connections[0]?.destroyed).toBe(true));
  });

  it('sends a request again at once when its kept-alive connection turns out dead', async () => {
    // Every connection answers its first request and resets on its second, as a server that
    // closed an idle connection meanwhile would (the client's kernel answers with a reset).
    const server = await plainServer((n, socket, end) => (n === 1 ? end() : socket.resetAndDestroy()));
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      maxIdleConnectionMs: 60_000,
    });
    closers.push(() => handler.destroy());
    const dead: string[] = [];
    const signal = new AbortController().signal;
    observeRequestPhases(signal, { onDeadConnection: (code) => dead.push(code) });

    expect(await bodyOf(handler, requestTo('http:', server.port))).toEqual({ status: 200, body: 'ok' });
    expect(await bodyOf(handler, requestTo('http:', server.port), signal)).toEqual({
      status: 200,
      body: 'ok',
    });
    expect(dead).toEqual(['ECONNRESET']);
    expect(server.connections).toHaveLength(2);
  });

  it('drops a connection idle longer than maxIdleConnectionMs on the wall clock instead of reusing it', async () => {
    const server = await plainServer((_, __, end) => end());
    const clock = fakeClock();
    const handler = new ReplicaRequestHandler({
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      maxIdleConnectionMs: 50_000,
      clock: clock.now,
    });
    closers.push(() => handler.destroy());

    await bodyOf(handler, requestTo('http:', server.port));
    clock.advance(49_000);
    await bodyOf(handler, requestTo('http:', server.port));
    expect(server.connections).toHaveLength(1); // within the bound: reused
    clock.advance(50_001); // a long freeze
    await bodyOf(handler, requestTo('http:', server.port));
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0]?.destroyed).toBe(true);
  });
});
