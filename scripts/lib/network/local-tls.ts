/**
 * The local edge's TLS credentials: a certificate authority generated at start (never written to
 * disk) and a server certificate it signs for the loopback address. The router's replica clients
 * trust exactly this CA (`endpointCaCertificate`), so local endpoints speak real, checked TLS.
 */
import selfsigned from 'selfsigned';

/** PEM texts of the CA and of the server certificate with its key. */
export interface LocalTlsCredentials {
  /** The CA certificate: what clients trust. */
  readonly caCertificate: string;
  /** The server certificate (127.0.0.1 and localhost), signed by the CA. */
  readonly certificate: string;
  /** The server certificate's private key. */
  readonly privateKey: string;
}

const DAY_MS = 86_400_000;
let generated: Promise<LocalTlsCredentials> | undefined;

/**
 * The credentials of this process: generated on first use (ECDSA P-256, about 30 ms) and shared
 * by every local edge the process starts, valid for a week.
 */
export function localTlsCredentials(): Promise<LocalTlsCredentials> {
  generated ??= generateLocalTlsCredentials();
  return generated;
}

async function generateLocalTlsCredentials(): Promise<LocalTlsCredentials> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * DAY_MS);
  const common = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate } as const;
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'edge-tenant-router local edge CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { caCertificate: ca.cert, certificate: server.cert, privateKey: server.private };
}
