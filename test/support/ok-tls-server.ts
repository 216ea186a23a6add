/**
 * A TLS server on loopback that answers every request `ok`, with the local edge's generated
 * certificate: the far end of a delay link in the network tests.
 */
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LocalTlsCredentials } from '../../scripts/lib/network/local-tls.ts';

/** A running {@link startOkTlsServer}. */
export interface OkTlsServer {
  readonly port: number;
  /** Closes it and every connection it still has. */
  close(): void;
}

/** Starts the server with `tls`'s certificate (clients trust `tls.caCertificate`). */
export async function startOkTlsServer(tls: LocalTlsCredentials): Promise<OkTlsServer> {
  const server = createServer({ cert: tls.certificate, key: tls.privateKey }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
