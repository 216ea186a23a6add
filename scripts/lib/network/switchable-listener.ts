/**
 * A server's listener that can stop and listen again on the same port: the `refuse` fault of the
 * local edge's replica endpoints (connections refused with ECONNREFUSED while stopped), for HTTP
 * servers and raw TCP servers alike.
 *
 * While the listener is stopped, its port must stay free for it. A port the kernel handed out
 * (`listen(0)`) comes from the ephemeral range, where every outgoing connection's local port comes
 * from too, and any other process may draw any free port: listening again then fails with
 * EADDRINUSE (seen in the chaos scenario under a full test run beside other local edges). So a
 * listener asked for "any port" draws one below the ephemeral range, where the kernel never
 * allocates on its own, and reserves it across processes ({@link reservePort}) until `close`.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { releasePort, reservePort } from './port-reservation.ts';

/** A listener that can be stopped and restarted. */
export interface SwitchableListener {
  /** Listens on `port` (0: a free one below the ephemeral range); resolves with the bound port. */
  listen(port: number): Promise<number>;
  /** Stops listening and destroys the open connections; resolves once closed. The port stays reserved. */
  stop(): Promise<void>;
  /** Stops for good and gives the port's reservation back. */
  close(): Promise<void>;
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
 * await listener.close(); // the port is free for others again
 */
export function switchableListener(
  server: Server,
  host: string,
  onSocketClose: (socket: Socket) => void = () => {},
): SwitchableListener {
  const sockets = new Set<Socket>();
  let reserved: number | undefined;
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
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    listen: async (port) => {
      if (port !== 0) return listenOn(port);
      reserved = await listenBelowEphemeralRange(listenOn);
      return reserved;
    },
    stop,
    async close() {
      await stop();
      if (reserved !== undefined) releasePort(reserved);
      reserved = undefined;
    },
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
 * Reserves and listens on a random free port from 1024 up to the start of the ephemeral range
 * (random, so that parallel processes rarely draw the same one), drawing again when the port is
 * reserved or taken by a program that does not reserve.
 */
async function listenBelowEphemeralRange(listenOn: (port: number) => Promise<number>): Promise<number> {
  const end = ephemeralRangeStart();
  for (let i = 0; i < TRIES; i++) {
    const port = randomInt(FIRST_CHOSEN_PORT, end);
    if (!reservePort(port)) continue;
    try {
      return await listenOn(port);
    } catch (error) {
      releasePort(port);
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free port below ${end} after ${TRIES} draws`);
}
