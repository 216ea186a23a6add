import { once } from 'node:events';
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DelayLink, startDelayLink } from '../../scripts/lib/network/delay-link.ts';
import { type LocalTlsCredentials, localTlsCredentials } from '../../scripts/lib/network/local-tls.ts';
import { type OkTlsServer, startOkTlsServer } from '../support/ok-tls-server.ts';

/** A scaled round trip: long enough that local processing never overlaps a flight. */
const RTT_MS = 30;

let tls: LocalTlsCredentials;
let server: OkTlsServer;
let serverPort: number;
const links: DelayLink[] = [];

beforeAll(async () => {
  tls = await localTlsCredentials();
  server = await startOkTlsServer(tls);
  serverPort = server.port;
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  server.close();
});

async function aLink(): Promise<DelayLink> {
  const link = await startDelayLink({ target: { host: '127.0.0.1', port: serverPort }, rttMs: RTT_MS });
  links.push(link);
  return link;
}

function get(link: DelayLink, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: link.port, path: '/', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a delay link in front of a TLS server', () => {
  it('charges a TLS 1.3 connection one connect, one handshake round trip and one per request', async () => {
    const link = await aLink();
    const agent = new Agent({ keepAlive: true, ca: tls.caCertificate });
    expect(await get(link, agent)).toBe('ok');
    expect(link.stats).toMatchObject({ connections: 1, roundTrips: 2 }); // handshake + request
    expect(await get(link, agent)).toBe('ok');
    expect(link.stats).toMatchObject({ connections: 1, roundTrips: 3 }); // the kept connection: one more
    agent.destroy();
  });

  it('charges a TLS 1.2 handshake its two round trips', async () => {
    const link = await aLink();
    const agent = new Agent({ keepAlive: true, ca: tls.caCertificate, maxVersion: 'TLSv1.2' });
    expect(await get(link, agent)).toBe('ok');
    expect(link.stats).toMatchObject({ connections: 1, roundTrips: 3 }); // two handshake + request
    agent.destroy();
  });

  it('charges a new connection its connect and handshake again', async () => {
    const link = await aLink();
    const agent = new Agent({ keepAlive: false, ca: tls.caCertificate });
    await get(link, agent);
    await get(link, agent);
    // Each connection pays its connect and at least its handshake and request round trips again;
    // whether the client's closing alert is seen as one more flight depends on scheduling.
    expect(link.stats.connections).toBe(2);
    expect(link.stats.roundTrips).toBeGreaterThanOrEqual(4);
    agent.destroy();
  });

  it('keeps certificate checks: a client that does not trust the local CA is refused', async () => {
    const link = await aLink();
    const agent = new Agent({ keepAlive: false });
    await expect(get(link, agent)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    agent.destroy();
  });

  it('refuses connections while its listener is stopped and accepts them again on the same port', async () => {
    const link = await aLink();
    await link.listener.stop();
    const agent = new Agent({ keepAlive: false, ca: tls.caCertificate });
    await expect(get(link, agent)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await link.listener.listen(link.port);
    expect(await get(link, agent)).toBe('ok');
    agent.destroy();
  });

  it('carries large bodies intact and in order, with jitter', async () => {
    const echo = createServer({ cert: tls.certificate, key: tls.privateKey }, (req, res) => req.pipe(res));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const link = await startDelayLink({
      target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port },
      rttMs: 4,
      jitterMs: 3,
    });
    links.push(link);
    const body = Buffer.alloc(3_000_000, 0).map((_, i) => i % 251);
    const agent = new Agent({ keepAlive: false, ca: tls.caCertificate });
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: link.port, method: 'POST', agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(echoed.equals(body)).toBe(true);
    agent.destroy();
    echo.closeAllConnections();
    echo.close();
  });
});
