/**
 * The faults a replica endpoint can be switched to, how an untrusted setting is validated (control
 * API, CLI), and how a request the fault hits is answered. The endpoint itself is
 * `replica-proxy.ts`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

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

/** What a faulted request needs from its endpoint. */
export interface FaultContext {
  readonly forward: (req: IncomingMessage, res: ServerResponse) => void;
  /** Holds the connection open until the fault changes. */
  readonly hang: (socket: Socket) => void;
  readonly requestId: string;
}

/** Answers one request the fault hits, as the fault's mode says. */
export function misbehave(
  fault: FaultSetting,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: FaultContext,
): void {
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
