/**
 * A TCP link with distance: a userland proxy that delays the bytes of each connection by half a
 * round trip in each direction, and holds the client's first byte one more round trip (the TCP
 * handshake the kernel did at once). Whatever runs over it (TLS, HTTP) pays its real round
 * trips: a TLS 1.3 handshake one, TLS 1.2 two, each HTTP request one more.
 *
 * How a client perceives it: `connect` fires at once (the loopback kernel answers the SYN); the
 * handshake's round trip is charged to the first flight instead, so a TLS client's
 * `secureConnect` comes after 1 + (TLS round trips) round trips, as on a real network, and each
 * request on the open connection takes one round trip more.
 *
 * The link counts what it delayed: one `connect` round trip per connection and one round trip per
 * client flight (client bytes sent after the client last received bytes), so tests assert on
 * counted round trips instead of elapsed time.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { type SwitchableListener, switchableListener } from './switchable-listener.ts';

/** What a link has delayed so far. */
export interface DelayLinkStats {
  /** Connections accepted (each paid one connect round trip). */
  connections: number;
  /** Client flights delayed: round trips spent by TLS and requests, connects not included. */
  roundTrips: number;
  /** Bytes carried, client to server and back. */
  bytesToServer: number;
  bytesToClient: number;
}

/** Options of {@link startDelayLink}. */
export interface DelayLinkOptions {
  /** Where bytes go: the server behind the link. */
  readonly target: { readonly host: string; readonly port: number };
  /** Round-trip time the link adds, ms (0: no delay, still counted). */
  readonly rttMs: number;
  /** Extra delay up to this many ms per chunk, drawn from `random` (order is kept). @default 0 */
  readonly jitterMs?: number;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
}

/** A running link. */
export interface DelayLink {
  readonly port: number;
  readonly rttMs: number;
  readonly stats: Readonly<DelayLinkStats>;
  /** The listener, to refuse connections (`stop`) and accept them again (`listen(port)`). */
  readonly listener: SwitchableListener;
  close(): Promise<void>;
}

/**
 * Starts a link listening on `host:port` in front of `target`.
 *
 * @example
 * const link = await startDelayLink({ target: { host: '127.0.0.1', port: 8443 }, rttMs: 115 });
 * // https://127.0.0.1:<link.port> is now 115 ms away from this process.
 */
export async function startDelayLink(options: DelayLinkOptions): Promise<DelayLink> {
  const stats: DelayLinkStats = { connections: 0, roundTrips: 0, bytesToServer: 0, bytesToClient: 0 };
  const host = options.host ?? '127.0.0.1';
  const delay = delayOf(options);
  const server: Server = createServer((client) => {
    stats.connections++;
    relay(client, netConnect(options.target.port, options.target.host), options.rttMs, delay, stats);
  });
  const listener = switchableListener(server, host);
  const port = await listener.listen(options.port ?? 0);
  return { port, rttMs: options.rttMs, stats, listener, close: () => listener.close() };
}

/** Half a round trip plus jitter, ms. */
function delayOf(options: DelayLinkOptions): () => number {
  const half = options.rttMs / 2;
  const jitter = options.jitterMs ?? 0;
  const random = options.random ?? Math.random;
  return jitter > 0 ? () => half + jitter * random() : () => half;
}

/** Carries one connection's bytes both ways, each chunk delayed and in order. */
function relay(client: Socket, upstream: Socket, rttMs: number, delay: () => number, stats: DelayLinkStats) {
  const acceptedAt = performance.now();
  // The link writes each chunk when it is due; Nagle's algorithm would hold small ones back for
  // an ACK the peer delays (tens to hundreds of ms on loopback), adding latency nobody asked for.
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  const toServer = orderedSender(upstream);
  const toClient = orderedSender(client, () => {
    receivedSinceLastFlight = true;
  });
  // The client's first flight starts a round trip; so does each flight after it heard back.
  let receivedSinceLastFlight = true;
  client.on('data', (chunk: Buffer) => {
    if (receivedSinceLastFlight) {
      stats.roundTrips++;
      receivedSinceLastFlight = false;
    }
    stats.bytesToServer += chunk.length;
    // Nothing reaches the server before the TCP handshake's round trip is over.
    const sendAt = Math.max(performance.now(), acceptedAt + rttMs);
    toServer.send(chunk, sendAt + delay());
  });
  upstream.on('data', (chunk: Buffer) => {
    stats.bytesToClient += chunk.length;
    toClient.send(chunk, performance.now() + delay());
  });
  client.on('end', () => toServer.end(performance.now() + delay()));
  upstream.on('end', () => toClient.end(performance.now() + delay()));
  // A reset travels too: the other side learns of it half a round trip later.
  client.on('close', () => toServer.destroy(performance.now() + delay()));
  upstream.on('close', () => toClient.destroy(performance.now() + delay()));
  client.on('error', () => {});
  upstream.on('error', () => {});
}

/** Writes chunks to `socket` at their times, never out of order: one queue, one timer at its head. */
function orderedSender(socket: Socket, onDelivered: () => void = () => {}) {
  const queue: { readonly time: number; readonly run: () => void }[] = [];
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    while (queue.length > 0) {
      const head = queue[0] as (typeof queue)[number];
      const wait = head.time - performance.now();
      if (wait > 0) {
        timer = setTimeout(drain, wait);
        return;
      }
      queue.shift();
      head.run();
    }
  };
  const at = (time: number, run: () => void) => {
    // Never earlier than what is already queued: bytes keep their order.
    last = Math.max(last, time);
    queue.push({ time: last, run });
    if (timer === undefined) drain();
  };
  return {
    send(chunk: Buffer, time: number) {
      at(time, () => {
        if (socket.destroyed) return;
        socket.write(chunk);
        onDelivered();
      });
    },
    end(time: number) {
      at(time, () => socket.end());
    },
    destroy(time: number) {
      at(time, () => socket.destroy());
    },
  };
}
