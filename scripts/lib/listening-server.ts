/**
 * Starts a Node server on a loopback port and stops it at once, open keep-alive sockets included.
 * Shared by the local edge's servers and the in-process DynamoDB.
 */
import type { AddressInfo, Server, Socket } from 'node:net';

/** A listening server. */
export interface ListeningServer {
  /** `http://<host>:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, destroys open sockets, resolves once closed. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (port 0: an ephemeral one) and tracks sockets so that `close()` does not
 * wait for idle keep-alive connections. Rejects with the server's error (e.g. `EADDRINUSE`).
 */
export async function listenOn(server: Server, port = 0, host = '127.0.0.1'): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
