/**
 * The DynamoDB endpoint of one replica region: an HTTP proxy to the embedded server whose faults
 * can be switched at run time, so replica failover is exercised against real sockets.
 */
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the endpoint misbehaves. */
export type FaultMode =
  /** Forwards every request. */
  | 'normal'
  /** Waits `delayMs` before forwarding. */
  | 'slow'
  /** Answers HTTP 500 InternalServerError (the SDK retries it). */
  | 'error-500'
  /** Answers HTTP 400 ProvisionedThroughputExceededException (a throttling error to the SDK). */
  | 'throttle'
  /** Reads the request and never answers; the connection stays open. */
  | 'hang'
  /** Stops listening: connections are refused (ECONNREFUSED). */
  | 'refuse';

/** All fault modes. */
export const FAULT_MODES: readonly FaultMode[] = [
  'normal',
  'slow',
  'error-500',
  'throttle',
  'hang',
  'refuse',
];

/** A fault setting of one replica endpoint. */
export interface FaultSetting {
  readonly mode: FaultMode;
  /** Delay of `slow`, in ms. @default 1000 */
  readonly delayMs?: number;
  /**
   * Share of requests affected, 0..1 (the rest are forwarded). `refuse` affects the listener, so
   * always all connections. @default 1
   */
  readonly share?: number;
}

/** Counters of one replica endpoint. */
export interface ReplicaCounters {
  requests: number;
  forwarded: number;
  faulted: number;
  upstreamErrors: number;
}

/** Options of {@link startReplicaProxy}. */
export interface ReplicaProxyOptions {
  /** Region this endpoint stands for (reported in errors and status). */
  readonly region: string;
  /** The DynamoDB server to forward to, `http://127.0.0.1:<port>`. */
  readonly target: string;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Decides which requests a partial fault hits. @default Math.random */
  readonly random?: () => number;
}

/** A running replica endpoint. */
export interface ReplicaProxy {
  readonly region: string;
  /** `http://127.0.0.1:<port>`: the port is kept while refusing, so the URL stays valid. */
  readonly endpoint: string;
  readonly port: number;
  /** Current fault. */
  readonly fault: FaultSetting;
  readonly counters: Readonly<ReplicaCounters>;
  /** Switches the fault; resolves once the listener state matches (refuse stops listening). */
  setFault(fault: FaultSetting): Promise<void>;
  close(): Promise<void>;
}

const AMZ_JSON = 'application/x-amz-json-1.0';

/** Validates an untrusted fault setting (control API, CLI); returns a problem or the setting. */
export function parseFaultSetting(
  value: unknown,
): { ok: true; fault: FaultSetting } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, problem: 'fault must be an object' };
  const raw = value as Record<string, unknown>;
  const mode = raw.mode;
  if (typeof mode !== 'string' || !FAULT_MODES.includes(mode as FaultMode)) {
    return { ok: false, problem: `mode must be one of ${FAULT_MODES.join(', ')}` };
  }
  const fault: { mode: FaultMode; delayMs?: number; share?: number } = { mode: mode as FaultMode };
  if (raw.delayMs !== undefined) {
    if (
      typeof raw.delayMs !== 'number' ||
      !Number.isInteger(raw.delayMs) ||
      raw.delayMs < 0 ||
      raw.delayMs > 600_000
    ) {
      return { ok: false, problem: 'delayMs must be a whole number from 0 to 600000' };
    }
    fault.delayMs = raw.delayMs;
  }
  if (raw.share !== undefined) {
    if (typeof raw.share !== 'number' || !(raw.share >= 0 && raw.share <= 1)) {
      return { ok: false, problem: 'share must be a number from 0 to 1' };
    }
    fault.share = raw.share;
  }
  const unknown = Object.keys(raw).filter((k) => !['mode', 'delayMs', 'share'].includes(k));
  if (unknown.length > 0) return { ok: false, problem: `unknown field(s) ${unknown.join(', ')}` };
  return { ok: true, fault };
}

/**
 * Starts a replica endpoint in `normal` mode.
 *
 * @example
 * const replica = await startReplicaProxy({ region: 'eu-west-1', target: dynalite.endpoint });
 * await replica.setFault({ mode: 'hang' });
 */
export async function startReplicaProxy(options: ReplicaProxyOptions): Promise<ReplicaProxy> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counters: ReplicaCounters = { requests: 0, forwarded: 0, faulted: 0, upstreamErrors: 0 };
  const forward = forwarder(new URL(options.target), agent, counters);
  /** Connections held open by `hang`, released when the fault changes. */
  const hung = new Set<Socket>();
  let fault: FaultSetting = { mode: 'normal' };
  let closed = false;

  const server: Server = createServer((req, res) => {
    counters.requests++;
    const current = fault;
    if (current.mode === 'normal' || random() >= (current.share ?? 1)) {
      forward(req, res);
      return;
    }
    counters.faulted++;
    misbehave(current, req, res, {
      forward,
      hang: (socket) => hung.add(socket),
      requestId: `local-${options.region}-${counters.requests}`,
    });
  });
  server.keepAliveTimeout = 5_000;
  const listener = switchableListener(server, host, (socket) => hung.delete(socket));
  const port = await listener.listen(options.port ?? 0);

  return {
    region: options.region,
    endpoint: `http://${host}:${port}`,
    port,
    get fault() {
      return fault;
    },
    counters,
    async setFault(next) {
      const parsed = parseFaultSetting(next);
      if (!parsed.ok) throw new RangeError(`replica ${options.region}: ${parsed.problem}`);
      const previous = fault;
      fault = parsed.fault;
      if (closed) return;
      if (fault.mode === 'refuse' && previous.mode !== 'refuse') await listener.stop();
      else if (fault.mode !== 'refuse' && !server.listening) await listener.listen(port);
      // Leaving 'hang': connections held open would otherwise wait for the client's timeout.
      if (previous.mode === 'hang' && fault.mode !== 'hang') {
        for (const socket of hung) socket.destroy();
        hung.clear();
      }
    },
    async close() {
      closed = true;
      await listener.stop();
      agent.destroy();
    },
  };
}

/** Forwards a request to the DynamoDB server; a server that is down drops the connection. */
function forwarder(target: URL, agent: Agent, counters: ReplicaCounters) {
  return (req: IncomingMessage, res: ServerResponse) => {
    counters.forwarded++;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      // The server itself is down: drop the connection, as an unreachable endpoint would.
      counters.upstreamErrors++;
      req.socket.destroy();
    });
    req.pipe(upstream);
  };
}

/** What a faulted request needs from its endpoint. */
interface FaultContext {
  readonly forward: (req: IncomingMessage, res: ServerResponse) => void;
  /** Holds the connection open until the fault changes. */
  readonly hang: (socket: Socket) => void;
  readonly requestId: string;
}

/** Answers one request the fault hits, as the fault's mode says. */
function misbehave(fault: FaultSetting, req: IncomingMessage, res: ServerResponse, ctx: FaultContext): void {
  switch (fault.mode) {
    case 'slow': {
      // Buffer the body so nothing is lost while waiting, then forward it.
      req.pause();
      const timer = setTimeout(() => {
        req.resume();
        ctx.forward(req, res);
      }, fault.delayMs ?? 1000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'error-500':
      req.resume();
      req.on('end', () =>
        answerError(
          res,
          ctx.requestId,
          500,
          'com.amazonaws.dynamodb.v20120810#InternalServerError',
          'Internal server error',
        ),
      );
      return;
    case 'throttle':
      req.resume();
      req.on('end', () =>
        answerError(
          res,
          ctx.requestId,
          400,
          'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded.',
        ),
      );
      return;
    case 'hang':
      req.resume();
      ctx.hang(req.socket);
      return;
    default:
      // 'refuse' closes the listener; a request on a connection accepted just before is dropped.
      req.socket.destroy();
  }
}

/** A DynamoDB JSON error response. */
function answerError(
  res: ServerResponse,
  requestId: string,
  status: number,
  type: string,
  message: string,
): void {
  const body = JSON.stringify({ __type: type, message });
  res.writeHead(status, {
    'content-type': AMZ_JSON,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

/**
 * A listener that can stop and listen again on the same port (`refuse`), destroying the open
 * connections when it stops.
 */
function switchableListener(server: Server, host: string, onSocketClose: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      onSocketClose(socket);
    });
  });
  return {
    /** Listens on `port` (0: an ephemeral one); resolves with the bound port. */
    listen: (port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
