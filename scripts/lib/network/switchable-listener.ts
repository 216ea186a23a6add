/**
 * A server's listener that can stop and listen again on the same port: the `refuse` fault of the
 * local edge's replica endpoints (connections refused with ECONNREFUSED while stopped), for HTTP
 * servers and raw TCP servers alike.
 *
 * A port the kernel handed out (`listen(0)`) comes from the ephemeral range, which is also where
 * every outgoing connection's local port comes from: while the listener is stopped, any client
 * socket on the machine can take the port, and listening again fails with EADDRINUSE (seen in the
 * chaos scenario under a full test run). So a listener asked for "any port" picks one below the
 * ephemeral range, where the kernel never allocates on its own.
 */

import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A listener that can be stopped and restarted. */
export interface SwitchableListener {
  /** Listens on `port` (0: a free one below the ephemeral range); resolves with the bound port. */
  listen(port: number): Promise<number>;
  /** Stops listening and destroys the open connections; resolves once closed. */
  stop(): Promise<void>;
  readonly listening: boolean;
}

/**
 * Wraps `server` (not yet listening). `onSocketClose` sees every connection that closes (the
 * `hang` fault forgets the sockets it holds).
 *
 * @example
 * const listener = switchableListener(server, '127.0.0.1');
 * const port = await listener.listen(0);
 * await listener.stop(); // ECONNREFUSED from now on
 * await listener.listen(port);
 */
export function switchableListener(
  server: Server,
  host: string,
  onSocketClose: (socket: Socket) => void = () => {},
): SwitchableListener {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      onSocketClose(socket);
    });
  });
  const listenOn = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  return {
    listen: (port) => (port === 0 ? listenBelowEphemeralRange(listenOn) : listenOn(port)),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    get listening() {
      return server.listening;
    },
  };
}

/** Where the kernel allocates ports on its own: Linux's setting, else the widest default (BSD, macOS: 49152). */
function ephemeralRangeStart(): number {
  try {
    const start = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(start) && start > 2048) return start;
  } catch {
    // Not Linux: fall through to the lowest common default.
  }
  return 32_768;
}

const FIRST_CHOSEN_PORT = 1_024;
const TRIES = 50;

/**
 * Listens on a random free port from 1024 up to the start of the ephemeral range: random so that
 * parallel test processes rarely try the same one, retried on EADDRINUSE; after {@link TRIES}
 * taken ports, the kernel's choice as a last resort.
 */
async function listenBelowEphemeralRange(listenOn: (port: number) => Promise<number>): Promise<number> {
  const end = ephemeralRangeStart();
  for (let i = 0; i < TRIES; i++) {
    try {
      return await listenOn(randomInt(FIRST_CHOSEN_PORT, end));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return listenOn(0);
}
