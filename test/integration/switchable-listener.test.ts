/**
 * The `refuse` fault's listener: refused while stopped, the same port again after, and a port of
 * its own choosing outside the range the kernel hands to outgoing connections (so no client socket
 * can take the port while it is stopped).
 */
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type SwitchableListener,
  switchableListener,
} from '../../scripts/lib/network/switchable-listener.ts';

const connectError = (port: number) =>
  new Promise<string | undefined>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });

let listener: SwitchableListener | undefined;
afterEach(async () => {
  await listener?.close();
});

describe('switchable listener', () => {
  it('refuses connections while stopped and accepts them again on the same port', async () => {
    listener = switchableListener(createServer(), '127.0.0.1');
    const port = await listener.listen(0);
    expect(await connectError(port)).toBeUndefined();
    await listener.stop();
    expect(listener.listening).toBe(false);
    expect(await connectError(port)).toBe('ECONNREFUSED');
    expect(await listener.listen(port)).toBe(port);
    expect(await connectError(port)).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('chooses its port below the ephemeral range', async () => {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
    for (let i = 0; i < 5; i++) {
      const one = switchableListener(createServer(), '127.0.0.1');
      const port = await one.listen(0);
      await one.close();
      expect(port).toBeGreaterThanOrEqual(1024);
      expect(port).toBeLessThan(start);
    }
  });

  it('listens elsewhere after a listen failed on a taken port (what its retry relies on)', async () => {
    const taken: SwitchableListener[] = [];
    try {
      const busy = switchableListener(createServer(), '127.0.0.1');
      taken.push(busy);
      const port = await busy.listen(0);
      listener = switchableListener(createServer(), '127.0.0.1');
      await expect(listener.listen(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(await listener.listen(0)).not.toBe(port);
    } finally {
      await Promise.all(taken.map((t) => t.close()));
    }
  });
});
