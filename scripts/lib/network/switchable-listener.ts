/**
 * A server's listener that can stop and listen again on the same port: the `refuse` fault of the
 * local edge's replica endpoints (connections refused with ECONNREFUSED while stopped), for HTTP
 * servers and raw TCP servers alike.
 */
import type { AddressInfo, Server, Socket } from 'node:net';

/** A listener that can be stopped and restarted. */
export interface SwitchableListener {
  /** Listens on `port` (0: an ephemeral one); resolves with the bound port. */
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
  return {
    listen: (port) =>
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
    get listening() {
      return server.listening;
    },
  };
}
