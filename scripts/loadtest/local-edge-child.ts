/**
 * Starts the load test's own local edge in a child process (see local-edge-process.ts) and reads
 * its counters through the control API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Settings passed to the child. */
export interface LocalEdgeChildSettings {
  readonly tenants: number;
  readonly edgeRegion: string;
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
}

/** A running child local edge. */
export interface LocalEdgeChild {
  readonly url: string;
  readonly controlUrl: string;
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./local-edge-process.ts', import.meta.url));

/**
 * Spawns the child and waits for its handshake line. `onSeedProgress` sees the tenants written.
 */
export async function spawnLocalEdge(
  settings: LocalEdgeChildSettings,
  onSeedProgress?: (written: number) => void,
): Promise<LocalEdgeChild> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(settings)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  let lastError = '';
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    const seeded = /^seeded (\d+)$/.exec(line);
    if (seeded !== null) onSeedProgress?.(Number(seeded[1]));
    else lastError = line;
  });
  const handshake = await new Promise<{ url: string; controlUrl: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as { url: string; controlUrl: string });
      } catch {
        reject(new Error(`local edge: unexpected output ${JSON.stringify(line.slice(0, 200))}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`local edge exited (${code}): ${lastError}`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { ...handshake, stop };
}

/** Router reads so far: the requests forwarded by the local edge's replica endpoints, from `/status`. */
export async function localEdgeReads(controlUrl: string): Promise<number> {
  const response = await fetch(new URL('/status', controlUrl));
  if (!response.ok) throw new Error(`local edge /status answered ${response.status}`);
  const status = (await response.json()) as {
    replicas?: Record<string, { counters?: { requests?: number } }>;
  };
  if (status.replicas === undefined) throw new Error('local edge /status has no replica counters');
  let reads = 0;
  for (const replica of Object.values(status.replicas)) reads += replica.counters?.requests ?? 0;
  return reads;
}
