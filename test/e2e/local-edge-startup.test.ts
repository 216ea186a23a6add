import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';

/** Listening servers of this process (dynalite, replica proxies, origins, emulator, control API). */
const listeningServers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
/** Waits until the closed servers' handles are released (libuv frees them on a later turn). */
const expectListening = (count: number) => vi.waitFor(() => expect(listeningServers()).toBe(count));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-edge-startup-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startLocalEdge start-up', () => {
  it('closes the data, replicas and origins it had started when a later step fails', async () => {
    const noHandler = join(dir, 'no-handler.mjs');
    await writeFile(noHandler, 'export const other = 1;\n');
    const before = listeningServers();
    await expect(startLocalEdge({ handlerModule: noHandler })).rejects.toThrow(/does not export a handler/);
    await expectListening(before);
  });

  it('stops every server it started, and leaves the environment as it was', async () => {
    const before = listeningServers();
    const environment = { ...process.env };
    const edge = await startLocalEdge({ handler: async () => ({ status: '204' }) });
    // dynalite, one endpoint per replica region, the origins, the emulator and the control API.
    expect(listeningServers()).toBeGreaterThan(before + edge.config.replicaRegions.length);
    await edge.stop();
    await edge.stop(); // safe twice
    await expectListening(before);
    expect(process.env).toEqual(environment);
  });
});
