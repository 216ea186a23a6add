/**
 * Runs a server entry (local edge, dynalite) in a child Node.js process with tsx: waits for its
 * one-line JSON handshake on stdout, forwards its stderr lines, and stops it by closing its stdin.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A running child server. */
export interface ChildServer<T> {
  /** The handshake the child printed. */
  readonly handshake: T;
  /** Closes the child's stdin and waits for it to exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Spawns `entry` with `args` and resolves with its handshake. Rejects (and stops the child) when
 * it exits first or prints something else.
 */
export async function spawnChildServer<T>(
  entry: string,
  args: readonly string[],
  onStderrLine?: (line: string) => void,
): Promise<ChildServer<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  let lastLine = '';
  createInterface({ input: child.stderr }).on('line', (line) => {
    lastLine = line;
    onStderrLine?.(line);
  });
  try {
    const handshake = await new Promise<T>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => {
        try {
          resolve(JSON.parse(line) as T);
        } catch {
          reject(new Error(`${entry}: unexpected output ${JSON.stringify(line.slice(0, 200))}`));
        }
      });
      child.once('exit', (code) => reject(new Error(`${entry} exited (${code}): ${lastLine}`)));
    });
    return { handshake, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
