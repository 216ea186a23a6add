/**
 * The HTTP handler of the router's replica clients: the SDK's request, sent over a kept-alive
 * connection, with connection set-up and the request timed apart. The SDK's own `NodeHttpHandler`
 * cannot do that: its `requestTimeout` (and an abort signal) starts when the request is handed
 * over and destroys the socket whatever it is doing, TLS handshake included, and its
 * `connectionTimeout` ends at the TCP connect, before TLS. From an edge region far from every
 * replica that made a cold lookup fail on every try, never leaving a warm connection behind.
 * See docs/tenant-store.md#connections.
 *
 * - **Set-up** (TCP + TLS, only for a new connection) must finish within `connectTimeoutMs`.
 * - **The request** (written once the connection is ready) must be answered within
 *   `requestTimeoutMs`, counted from then: a request timeout never ends a set-up in progress,
 *   and does not end the connection either: a late answer is read, and only a request unanswered
 *   after `abandonAfterMs` (hung) has its connection dropped.
 * - **A dead kept-alive connection** (reset before any answer, as after a Lambda thaw when the
 *   server closed it meanwhile) is not a failure: the request is sent again at once on another
 *   connection (Node's `request.reusedSocket` advice). Only for the router's reads, which are
 *   idempotent.
 * - **A connection idle longer than `maxIdleConnectionMs` on the wall clock** is dropped before a
 *   request instead of reused: after a long freeze it is likely closed at the other end, and
 *   finding out costs a round trip or a timeout.
 */
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import { Agent as PlainAgent, request as plainRequest } from 'node:http';
import { Agent as TlsAgent, request as tlsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { buildQueryString } from '@smithy/core/protocols';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import { afterIoTurn } from './after-io-turn.ts';

/** Options of {@link ReplicaRequestHandler}. */
export interface ReplicaRequestHandlerOptions {
  /** A new connection's TCP + TLS set-up must be done within this, else it is dropped. */
  readonly connectTimeoutMs: number;
  /**
   * A request on a ready connection not answered within this fails (`RequestTimeout`); the
   * connection is kept, so a late answer is read and the connection reused (under load, killing
   * slow connections only makes more TLS set-ups).
   */
  readonly requestTimeoutMs: number;
  /**
   * A request still unanswered this long after it went out is hung: its connection is dropped.
   * @default the larger of `connectTimeoutMs` and four request timeouts
   */
  readonly abandonAfterMs?: number;
  /** A kept-alive connection idle longer than this (wall clock) is dropped rather than reused. */
  readonly maxIdleConnectionMs: number;
  /** PEM CA certificate to trust for `https` endpoints instead of the system's (the local edge). */
  readonly ca?: string | undefined;
  /** Connections per endpoint at most (more requests queue). @default 50, as the SDK's own */
  readonly maxSockets?: number;
  /** Wall clock for idle times. @default Date.now */
  readonly clock?: () => number;
}

/** What a request went through, for the one who sent it (see {@link observeRequestPhases}). */
export interface RequestPhases {
  /** The request needs a new connection: its set-up has begun. */
  readonly onConnecting?: () => void;
  /** The request went out on a ready connection (a kept-alive one, or the one just set up). */
  readonly onSent?: () => void;
  /** A kept-alive connection was found dead (`code`); the request is being sent again on another. */
  readonly onDeadConnection?: (code: string) => void;
}

const observers = new WeakMap<AbortSignal, RequestPhases>();

/**
 * Registers `phases` for the request sent with `signal` (`client.send(command, { abortSignal })`):
 * the SDK hands the caller's signal through to the handler unchanged, which is how a caller learns
 * when its own request was sent. A client with another handler never calls them.
 */
export function observeRequestPhases(signal: AbortSignal, phases: RequestPhases): void {
  observers.set(signal, phases);
}

/** Error codes of a connection that died under a request before any answer. */
const DEAD_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** A request is sent again on another connection at most this often (each dead one costs one). */
const MAX_DEAD_CONNECTION_RESENDS = 3;

/** A kept-alive connection that died before answering: the request may be sent again. */
class DeadConnection {
  constructor(readonly error: Error & { code?: string }) {}
}

/**
 * An SDK request handler (`requestHandler` of a client) for one replica endpoint's reads. Keeps
 * connections alive across requests (and across Lambda invocations: the handler lives as long as
 * the container).
 *
 * @example
 * const client = new DynamoDBClient({
 *   region,
 *   maxAttempts: 1,
 *   requestHandler: new ReplicaRequestHandler({ connectTimeoutMs: 800, requestTimeoutMs: 420, maxIdleConnectionMs: 50_000 }),
 * });
 */
export class ReplicaRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly #options: ReplicaRequestHandlerOptions;
  readonly #clock: () => number;
  readonly #tls: TlsAgent;
  readonly #plain: PlainAgent;
  /** When each connection last finished a request (or became ready), wall clock. */
  readonly #lastUsed = new WeakMap<Socket, number>();

  constructor(options: ReplicaRequestHandlerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    const maxSockets = options.maxSockets ?? 50;
    this.#tls = new TlsAgent({
      keepAlive: true,
      maxSockets,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    this.#plain = new PlainAgent({ keepAlive: true, maxSockets });
  }

  /** Connections open and idle, ready for a request without set-up. */
  get idleConnections(): number {
    return [this.#tls, this.#plain].reduce(
      (n, agent) => n + Object.values(agent.freeSockets).reduce((m, list) => m + (list?.length ?? 0), 0),
      0,
    );
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const signal = options.abortSignal as AbortSignal | undefined;
    const phases = signal === undefined ? undefined : observers.get(signal);
    const agent = request.protocol === 'https:' ? this.#tls : this.#plain;
    await this.#dropIdleConnections(agent);
    for (let resend = 0; ; resend++) {
      const outcome = await this.#send(request, agent, signal, phases);
      if (!(outcome instanceof DeadConnection)) return outcome;
      if (resend >= MAX_DEAD_CONNECTION_RESENDS) throw outcome.error;
      phases?.onDeadConnection?.(outcome.error.code ?? outcome.error.name);
    }
  }

  updateHttpClientConfig(): void {
    // Nothing of this handler is changed by the SDK at runtime.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    this.#tls.destroy();
    this.#plain.destroy();
  }

  /**
   * Drops the idle connections not used for `maxIdleConnectionMs`, and waits until the agent has
   * let go of them (it does so on their `close`), so this request cannot be given one.
   */
  async #dropIdleConnections(agent: HttpAgent): Promise<void> {
    const now = this.#clock();
    const idle: Socket[] = [];
    for (const list of Object.values(agent.freeSockets)) {
      for (const socket of list ?? []) {
        if (now - (this.#lastUsed.get(socket) ?? now) > this.#options.maxIdleConnectionMs) idle.push(socket);
      }
    }
    if (idle.length === 0) return;
    await Promise.all(
      idle.map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            socket.destroy();
          }),
      ),
    );
  }

  #send(
    request: HttpRequest,
    agent: HttpAgent,
    signal: AbortSignal | undefined,
    phases: RequestPhases | undefined,
  ): Promise<{ response: HttpResponse } | DeadConnection> {
    const { connectTimeoutMs, requestTimeoutMs } = this.#options;
    const abandonAfterMs = this.#options.abandonAfterMs ?? Math.max(connectTimeoutMs, 4 * requestTimeoutMs);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const req = openRequest(request, agent);
      let answered = false;
      // The caller was told the request timed out: a late answer is only read to free the connection.
      let gaveUp = false;
      let timer: { cancel(): void } | undefined;
      const stopTimer = () => timer?.cancel();
      const expire = (phase: string, ms: number) => {
        timer = afterIoTurn(ms, () => req.destroy(timeoutError(phase, ms, request.hostname)));
      };
      const ready = () => {
        phases?.onSent?.();
        timer = afterIoTurn(requestTimeoutMs, () => {
          const error = timeoutError('request', requestTimeoutMs, request.hostname);
          // Headers came but the body stalls: the caller is reading it, so end it here.
          if (answered) {
            req.destroy(error);
            return;
          }
          gaveUp = true;
          reject(error);
          expire('request (hung)', abandonAfterMs - requestTimeoutMs);
        });
      };
      req.once('socket', (socket: Socket) => {
        if (req.reusedSocket) {
          ready();
          return;
        }
        phases?.onConnecting?.();
        expire('connection set-up (TCP + TLS)', connectTimeoutMs);
        socket.once(agent === this.#tls ? 'secureConnect' : 'connect', () => {
          stopTimer();
          this.#lastUsed.set(socket, this.#clock());
          ready();
        });
      });
      req.once('response', (res: IncomingMessage) => {
        answered = true;
        const socket = req.socket;
        if (gaveUp) res.resume();
        res.once('end', () => {
          stopTimer();
          if (socket !== null) this.#lastUsed.set(socket, this.#clock());
        });
        res.once('close', stopTimer);
        resolve({
          response: {
            statusCode: res.statusCode ?? -1,
            reason: res.statusMessage,
            headers: flatHeaders(res),
            body: res,
          },
        });
      });
      req.once('error', (error: Error & { code?: string }) => {
        stopTimer();
        const dead = !answered && req.reusedSocket && DEAD_CONNECTION_CODES.has(error.code ?? '');
        if (dead && !signal?.aborted) resolve(new DeadConnection(error));
        else reject(error);
      });
      if (signal !== undefined) {
        const onAbort = () => req.destroy(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      writeBody(req, request.body);
    });
  }
}

/** The node request of an SDK request, through `agent`. */
function openRequest(request: HttpRequest, agent: HttpAgent): ClientRequest {
  const query = request.query === undefined ? '' : buildQueryString(request.query);
  const hostname = request.hostname.startsWith('[') ? request.hostname.slice(1, -1) : request.hostname;
  const open = request.protocol === 'https:' ? tlsRequest : plainRequest;
  return open({
    host: hostname,
    ...(request.port === undefined ? {} : { port: request.port }),
    method: request.method,
    path: `${request.path}${query === '' ? '' : `?${query}`}${request.fragment ? `#${request.fragment}` : ''}`,
    headers: request.headers,
    agent,
  });
}

function writeBody(req: ClientRequest, body: unknown): void {
  if (body instanceof Readable) body.pipe(req);
  else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
  else req.end();
}

/** Response headers as the SDK wants them: one string per name. */
function flatHeaders(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function timeoutError(phase: string, ms: number, host: string): Error {
  const code = phase === 'request' ? 'RequestTimeout' : 'ConnectTimeout';
  return Object.assign(new Error(`${phase} to ${host} not done within ${ms} ms`), {
    name: 'TimeoutError',
    code,
  });
}

/** The error an aborted request rejects with: `AbortError`, the signal's reason as `cause` (as the SDK's). */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('Request aborted', { cause: signal.reason }), { name: 'AbortError' });
}
